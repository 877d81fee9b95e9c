//go:build tools

// Package tools pins the versions of the development tools the GNUmakefile
// installs into .tools/bin: documentation generation and linting.
package tools

import (
	// Documentation generation.
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
	// Linting.
	_ "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
)
