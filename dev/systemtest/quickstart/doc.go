// Package quickstart runs the README's "Try it locally" commands, verbatim,
// in a copy of this checkout, with the CLI the suite runs with standing in for
// terraform: make quickstart, the export lines by eval, examples/quickstart
// applied, planned and destroyed, make quickstart-stop. It holds tests only.
package quickstart
