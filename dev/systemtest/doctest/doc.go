// Package doctest keeps the documentation from misleading: every fenced
// ```hcl or ```terraform block of README.md and docs/**/*.md (the generated
// pages, examples included) goes through a real Terraform or OpenTofu CLI
// (`validate`, against the providers built from this checkout), and every
// example import comment about a secret agrees with the rotation guides. It
// holds tests only.
//
// What a block is comes from its first line. A block whose first line is a
// comment naming a file ("# dev.tfrc", "# tests/panel.tftest.hcl — …") is
// that kind of file:
//
//   - *.tfrc, .terraformrc, terraform.rc, .tofurc, tofu.rc: a CLI
//     configuration, read by the CLI itself (`version` with
//     TF_CLI_CONFIG_FILE naming it, which reports any problem with it; the
//     CLI reads these files as HCL 1, whose quoted keys hcl/v2 rejects);
//   - *.tftest.hcl, *.tfmock.hcl: a test or mock file, parsed as HCL;
//   - *.tfquery.hcl: a query file, validated with `validate -query` where the
//     CLI has list resources, otherwise parsed as HCL;
//   - *.tf, *.tofu: one file of the page's configuration: the blocks of one
//     page naming such files are written at those paths into one directory,
//     and each directory among them is validated (a root module calling
//     ./modules/x finds the module the page shows).
//
// Any other block is a whole configuration, validated on its own. It must
// declare the variables it references (the test declares none: an
// undeclared variable is what a reader copying the block would meet); a
// directory without required_providers gets the two providers' declaration
// (source = "externalsupport/<name>"), as scripts/validate-examples.sh does.
//
// A block the CLI cannot validate is skipped, the reason logged: it uses a
// CLI feature the CLI lacks (dev/acctest/features.go: ephemeral resources and
// variables, write-only arguments, identity, list resources, actions,
// functions, provider for_each), detected from its text, or another
// provider, which no registry serves here. The test fails when it validated
// fewer blocks than a floor, so it cannot pass by skipping everything.
package doctest
