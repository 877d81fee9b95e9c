//go:build !unix

package demo

import (
	"os"
	"os/exec"
)

func detach(*exec.Cmd) {}

// interrupt stops a child: there is no portable interrupt outside Unix.
func interrupt(p *os.Process) error { return p.Kill() }
