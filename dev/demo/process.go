package demo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

// receiverProcess is the webhook receiver running as a child (dev/cmd/receiver
// serve). It stops when Stop is called, when the demo's process ends for any
// reason (its standard input, a pipe only the demo holds, closes), on
// -max-lifetime, or on a signal.
type receiverProcess struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	URL   string

	deliveries chan struct{} // one value per delivery line printed
	outputDone chan struct{} // closed when its output has been printed
	waitDone   chan struct{} // closed when the process has been waited for
	waitErr    error
	stopOnce   sync.Once
}

// startReceiver starts `receiver serve` on a free loopback port and waits for
// its "listening on URL" line.
func startReceiver(ctx context.Context, path string, env []string, maxLifetime time.Duration, con *console) (*receiverProcess, error) {
	// Not cancelled with ctx: the receiver is stopped by Stop, in order.
	cmd := exec.CommandContext(context.WithoutCancel(ctx), path, "serve", "-addr", "127.0.0.1:0", "-max-lifetime", maxLifetime.String(), "-stop-on-stdin-eof")
	cmd.Env = env
	tfrun.Detach(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr := con.lines("    receiver | ")
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the receiver: %w", err)
	}
	p := &receiverProcess{
		cmd:        cmd,
		stdin:      stdin,
		deliveries: make(chan struct{}, 1024),
		outputDone: make(chan struct{}),
		waitDone:   make(chan struct{}),
	}
	urls := make(chan string, 1)
	go func() {
		defer close(p.outputDone)
		defer stderr.Close()
		lw := con.lines("    receiver | ")
		lw.onLine = func(line string) {
			if strings.HasPrefix(line, "#") {
				select {
				case p.deliveries <- struct{}{}:
				default:
				}
			}
		}
		sc := bufio.NewScanner(stdout)
		first := true
		for sc.Scan() {
			line := sc.Text()
			if first {
				first = false
				if rest, ok := strings.CutPrefix(line, "listening on "); ok {
					u, _, _ := strings.Cut(rest, " ")
					urls <- u
				}
			}
			_, _ = lw.Write([]byte(line + "\n"))
		}
		_ = lw.Close()
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		<-p.outputDone // Wait closes the pipes: read everything first
		p.waitErr = cmd.Wait()
		close(p.waitDone)
	}()

	select {
	case u := <-urls:
		p.URL = u
		return p, nil
	case <-p.outputDone:
		<-p.waitDone
		return nil, fmt.Errorf("the receiver stopped before listening: %w", p.waitErr)
	case <-time.After(20 * time.Second):
		_ = p.Stop()
		return nil, errors.New("the receiver did not start listening within 20s")
	case <-ctx.Done():
		_ = p.Stop()
		return nil, context.Cause(ctx)
	}
}

// waitDelivery waits until the receiver has printed its line for one more
// delivery, so that the console shows it next to the trigger that caused it.
func (p *receiverProcess) waitDelivery(d time.Duration) {
	select {
	case <-p.deliveries:
	case <-time.After(d):
	}
}

// Stop closes the receiver's standard input (it stops by itself on EOF),
// then interrupts and finally kills it if it lingers. It waits until the
// process has exited and its output has been printed.
func (p *receiverProcess) Stop() error {
	p.stopOnce.Do(func() {
		_ = p.stdin.Close()
		select {
		case <-p.waitDone:
			return
		case <-time.After(5 * time.Second):
		}
		_ = tfrun.Interrupt(p.cmd.Process)
		select {
		case <-p.waitDone:
			return
		case <-time.After(5 * time.Second):
		}
		_ = p.cmd.Process.Kill()
		<-p.waitDone
	})
	<-p.waitDone
	return p.waitErr
}

// Exited reports whether the process has exited.
func (p *receiverProcess) Exited() bool {
	select {
	case <-p.waitDone:
		return true
	default:
		return false
	}
}

// copyTree copies the directory src to dst, skipping Terraform's working
// files (.terraform, state, lock file) a user may have left in src.
func copyTree(src, dst string) error {
	skip := map[string]bool{".terraform": true, ".terraform.lock.hcl": true, "terraform.tfstate": true,
		"terraform.tfstate.backup": true, "terraform.tfvars": true}
	return copyDir(src, dst, skip)
}

func copyDir(src, dst string, skip map[string]bool) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		if skip[e.Name()] {
			continue
		}
		from, to := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		switch {
		case e.IsDir():
			if err := copyDir(from, to, skip); err != nil {
				return err
			}
		case e.Type().IsRegular():
			data, err := os.ReadFile(from)
			if err != nil {
				return err
			}
			if err := os.WriteFile(to, data, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
