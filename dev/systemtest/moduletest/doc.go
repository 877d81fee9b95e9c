// Package moduletest runs the example modules' test files of the guide
// "Testing your modules" (examples/<provider>/guides/testing-your-modules)
// with terraform test, on the CLI the suite runs with, against the providers
// built from this checkout: the mock_provider tests with no API at all, and
// the tests against an emulator on loopback, which must hold nothing once the
// automatic destroy has run. It holds tests only.
package moduletest
