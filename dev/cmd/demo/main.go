// Command demo is `make demo`: it shows, on loopback only, what the jelou and
// jurichat providers are for (see package dev/demo).
//
//	go run ./dev/cmd/demo [-terraform PATH] [-root DIR]
//
// Without -terraform it uses $TF_ACC_TERRAFORM_PATH, else the CLI
// scripts/ensure-cli.sh finds or builds. The first Ctrl-C stops the demo and
// cleans up (destroying what it created); a second one skips the destroy but
// still stops every process it started.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/demo"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cli := fs.String("terraform", "", "`path` of the Terraform-compatible CLI (terraform or tofu); default: $TF_ACC_TERRAFORM_PATH, else scripts/ensure-cli.sh")
	root := fs.String("root", "", "repository `directory`; default: found from the working directory")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "demo: unexpected arguments")
		fs.Usage()
		return 2
	}

	// First signal: stop the run and clean up. Second: skip the destroy.
	runCtx, cancelRun := context.WithCancelCause(context.Background())
	cleanupCtx, cancelCleanup := context.WithCancel(context.Background())
	defer cancelRun(nil)
	defer cancelCleanup()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		for n := 0; ; n++ {
			sig, ok := <-sigs
			if !ok {
				return
			}
			if n == 0 {
				fmt.Fprintf(stderr, "\ndemo: %v received: stopping and cleaning up (again to skip the destroy)\n", sig)
				cancelRun(fmt.Errorf("%v received", sig))
			} else {
				fmt.Fprintf(stderr, "\ndemo: %v received again: skipping the destroy, stopping processes\n", sig)
				cancelCleanup()
			}
		}
	}()

	if *cli == "" {
		*cli = os.Getenv("TF_ACC_TERRAFORM_PATH")
	}
	if *cli == "" {
		p, err := tfrun.EnsureCLI(runCtx, *root, stderr)
		if err != nil {
			fmt.Fprintln(stderr, "demo:", err)
			return 1
		}
		*cli = p
	}

	err := demo.Run(runCtx, demo.Options{
		Root:           *root,
		Terraform:      *cli,
		Out:            stdout,
		Color:          colorTerminal(stdout),
		CleanupContext: cleanupCtx,
	})
	if err != nil {
		fmt.Fprintln(stderr, "demo:", err)
		return 1
	}
	return 0
}

// colorTerminal reports whether w is a terminal that wants color.
func colorTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
