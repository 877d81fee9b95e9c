//go:build tools

// Package tools pins the versions of the development tools the GNUmakefile
// installs into .tools/bin: documentation generation, linting, and the
// GitHub Actions workflow linter.
package tools

import (
	// Documentation generation.
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
	// Linting.
	_ "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
	// GitHub Actions workflows (.github/workflows). Held at v1.7.7, the
	// newest release that builds beside golangci-lint: v1.7.11 and later use
	// the go.yaml.in/yaml/v4 v4.0.0-rc.3 API, and golangci-lint's gosec
	// requires rc.6, which changed it.
	_ "github.com/rhysd/actionlint/cmd/actionlint"
)
