// Command emulator serves the Jelou and JuriChat API emulator on loopback:
//
//	go run ./cmd/emulator [-addr 127.0.0.1:8089] [-jelou-shape envelope|flat] [-quiet] ...
//
// Jelou is served under /jelou and JuriChat under /jurichat; see package
// internal/emulator for the control routes under /_emulator.
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

	"github.com/externalsupport/terraform-provider-externalsupport/internal/emulator"
)

// errUsage marks a command-line mistake that run has already reported with the usage text.
var errUsage = errors.New("usage error")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "emulator:", err)
		os.Exit(1)
	}
}

// run parses args, serves until ctx is cancelled, and returns nil on a clean stop.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	opts := emulator.DefaultOptions()
	addr := fs.String("addr", "127.0.0.1:8089", "listen `host:port`; loopback hosts only (127.0.0.1, [::1], localhost)")
	fs.StringVar(&opts.JelouAPIKey, "jelou-api-key", opts.JelouAPIKey, "Jelou `key` accepted in the x-api-key header")
	fs.StringVar(&opts.JelouClientID, "jelou-client-id", opts.JelouClientID, "Jelou client `id` accepted with HTTP Basic auth")
	fs.StringVar(&opts.JelouClientSecret, "jelou-client-secret", opts.JelouClientSecret, "Jelou client `secret` accepted with HTTP Basic auth")
	fs.StringVar(&opts.JelouShape, "jelou-shape", opts.JelouShape, "Jelou response `shape`: envelope or flat")
	fs.StringVar(&opts.JurichatToken, "jurichat-token", opts.JurichatToken, "JuriChat `token` accepted as Authorization: Bearer")
	fs.StringVar(&opts.JurichatAPIKey, "jurichat-api-key", opts.JurichatAPIKey, "JuriChat `key` accepted in the x-jurichat-api-key header")
	quiet := fs.Bool("quiet", false, "do not log one line per request to stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage // the flag package has printed the problem and the usage
	}
	usage := func(err error) error {
		fmt.Fprintln(stderr, "emulator:", err)
		fs.Usage()
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return usage(fmt.Errorf("unexpected arguments: %q", fs.Args()))
	}
	if err := opts.Validate(); err != nil {
		return usage(fmt.Errorf("-jelou-shape: %w", err))
	}
	if err := emulator.CheckListenAddr(*addr); err != nil {
		return usage(fmt.Errorf("-addr: %w", err))
	}
	if !*quiet {
		opts.RequestLog = stderr
	}

	srv, err := emulator.Start(ctx, *addr, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "emulator listening on %s\n", srv.URL)
	fmt.Fprintf(stdout, "jelou base_url: %s\n", srv.JelouURL())
	fmt.Fprintf(stdout, "jurichat base_url: %s\n", srv.JurichatURL())
	return srv.Wait()
}
