//go:build unix

package demo

import (
	"os"
	"os/exec"
	"syscall"
)

// detach puts a child in its own process group, so that a Ctrl-C in the
// terminal reaches only the demo, which then stops its children in order
// (Terraform gets exactly one interrupt and can stop cleanly).
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// interrupt asks a child to stop.
func interrupt(p *os.Process) error { return p.Signal(os.Interrupt) }
