//go:build unix

package tfrun

import (
	"os"
	"os/exec"
	"syscall"
)

// Detach puts a child in its own process group, so that a Ctrl-C in the
// terminal reaches only this process, which then stops its children in order
// (Terraform gets exactly one interrupt and can stop cleanly).
func Detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// Interrupt asks a child to stop.
func Interrupt(p *os.Process) error { return p.Signal(os.Interrupt) }
