package tfrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// StopGrace is how long a child gets to stop after an interrupt before it is killed.
const StopGrace = 30 * time.Second

// Command is one child process.
type Command struct {
	Name           string   // for messages, e.g. "terraform apply"
	Path           string   // executable
	Args           []string // arguments after the executable
	Dir            string
	Env            []string
	Stdout, Stderr io.Writer // nil: discarded
	// Started, when set, is called once the child has started (before Run
	// waits for it).
	Started func(*os.Process)
}

// ExitError is a child that ran and exited with a non-zero status.
type ExitError struct {
	Name string
	Code int
}

func (e *ExitError) Error() string { return fmt.Sprintf("%s exited with status %d", e.Name, e.Code) }

// Run starts the command in its own process group and waits for it.
// Cancelling ctx interrupts the child (Terraform then stops cleanly) and kills
// it after StopGrace. It returns the child's state (nil if it did not start)
// and an *ExitError when it exited non-zero.
func (c Command) Run(ctx context.Context) (*os.ProcessState, error) {
	cmd := exec.CommandContext(ctx, c.Path, c.Args...)
	cmd.Dir = c.Dir
	cmd.Env = c.Env
	cmd.Stdout = c.Stdout
	cmd.Stderr = c.Stderr
	Detach(cmd)
	cmd.Cancel = func() error { return Interrupt(cmd.Process) }
	cmd.WaitDelay = StopGrace
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", c.Name, err)
	}
	if c.Started != nil {
		c.Started(cmd.Process)
	}
	err := cmd.Wait()
	if ctx.Err() != nil {
		return cmd.ProcessState, fmt.Errorf("%s: interrupted: %w", c.Name, context.Cause(ctx))
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() >= 0 {
		return cmd.ProcessState, &ExitError{Name: c.Name, Code: ee.ExitCode()}
	}
	if err != nil {
		return cmd.ProcessState, fmt.Errorf("%s: %w", c.Name, err)
	}
	return cmd.ProcessState, nil
}
