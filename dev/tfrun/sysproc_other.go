//go:build !unix

package tfrun

import (
	"os"
	"os/exec"
)

// Detach does nothing outside Unix.
func Detach(*exec.Cmd) {}

// Interrupt stops a child: there is no portable interrupt outside Unix.
func Interrupt(p *os.Process) error { return p.Kill() }
