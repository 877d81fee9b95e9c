// Package guidetest runs the configurations of the provider guides' examples
// (examples/<provider>/guides/) with a real Terraform or OpenTofu CLI, against
// the providers built from this checkout and the emulator, the way a user
// runs them: terraform init, apply, plan, destroy. It holds tests only.
package guidetest
