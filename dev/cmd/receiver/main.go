// Command receiver is a small webhook receiver for Jelou and JuriChat
// deliveries, on loopback. It verifies X-Jelou-Signature and
// X-JuriChat-Signature with the secrets it is given and prints one line per
// delivery: verified, or REJECTED and why. See package dev/receiver.
//
//	receiver serve [-addr 127.0.0.1:8090] [-max-lifetime 1h] [-stop-on-stdin-eof]
//	receiver configure -vendor jelou|jurichat -name NAME [-url URL] [-auth-type TYPE]
//	receiver deliveries [-url URL]
//
// Secrets never appear on a command line: serve and configure read the admin
// token from RECEIVER_ADMIN_TOKEN, configure reads the signing secret from
// RECEIVER_SECRET and the Jelou credential from RECEIVER_AUTHORIZATION.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/loopback"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/receiver"
)

// Environment variables.
const (
	EnvAdminToken    = "RECEIVER_ADMIN_TOKEN"
	EnvSecret        = "RECEIVER_SECRET"
	EnvAuthorization = "RECEIVER_AUTHORIZATION"
	EnvURL           = "RECEIVER_URL"
)

const defaultAddr = "127.0.0.1:8090"

// errUsage marks a command-line mistake that has already been reported with the usage text.
var errUsage = loopback.ErrUsage

func main() {
	loopback.Main("receiver", func(ctx context.Context, args []string) error {
		return run(ctx, args, os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	})
}

const usageText = `usage:
  receiver serve [-addr 127.0.0.1:8090] [-max-lifetime 1h] [-stop-on-stdin-eof]
      serve the receiver on loopback; needs RECEIVER_ADMIN_TOKEN (any random string)
  receiver configure -vendor jelou|jurichat -name NAME [-url URL] [-auth-type TYPE]
      register the secret in RECEIVER_SECRET for deliveries to /VENDOR/NAME;
      needs RECEIVER_ADMIN_TOKEN; for Jelou, -auth-type bearer|api_key|basic and
      RECEIVER_AUTHORIZATION also check the credential Jelou sends
  receiver deliveries [-url URL]
      print the deliveries the receiver has seen
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdin, stdout, stderr, getenv)
	case "configure":
		return configure(ctx, args[1:], stdout, stderr, getenv)
	case "deliveries":
		return deliveries(ctx, args[1:], stdout, stderr, getenv)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usageText)
		return nil
	}
	fmt.Fprintf(stderr, "receiver: unknown command %q\n%s", args[0], usageText)
	return errUsage
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return flag.ErrHelp
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		// Not echoed: a secret pasted on the command line must not be printed back.
		fmt.Fprintf(fs.Output(), "receiver %s: unexpected arguments after the flags (%d); secrets are read from environment variables\n", fs.Name(), fs.NArg())
		fs.Usage()
		return errUsage
	}
	return nil
}

func usageError(fs *flag.FlagSet, format string, args ...any) error {
	fmt.Fprintf(fs.Output(), "receiver %s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.Usage()
	return errUsage
}

func serve(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", defaultAddr, "listen `host:port`; loopback only (port 0 picks a free port)")
	maxLifetime := fs.Duration("max-lifetime", time.Hour, "stop by itself after this `duration`, a safety net against a forgotten receiver")
	stdinEOF := fs.Bool("stop-on-stdin-eof", false, "stop when standard input is closed (lets a supervisor stop it even if the supervisor dies)")
	if err := parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *maxLifetime <= 0 {
		return usageError(fs, "-max-lifetime must be positive")
	}
	token := getenv(EnvAdminToken)
	if token == "" {
		return usageError(fs, "set %s to a random string: it protects the route that registers secrets, and `receiver configure` sends it", EnvAdminToken)
	}
	if err := receiver.CheckListenAddr(*addr); err != nil {
		return usageError(fs, "-addr: %v", err)
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	lifetime := time.AfterFunc(*maxLifetime, func() {
		cancel(fmt.Errorf("reached -max-lifetime %s", *maxLifetime))
	})
	defer lifetime.Stop()
	if *stdinEOF {
		go func() {
			_, _ = io.Copy(io.Discard, stdin)
			cancel(errors.New("standard input closed"))
		}()
	}

	srv, err := receiver.Listen(ctx, *addr, receiver.Options{AdminToken: token, Log: stdout})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "listening on %s (stops after %s at most)\n", srv.URL, *maxLifetime)
	err = srv.Wait()
	why := "stopped"
	if cause := context.Cause(ctx); cause != nil {
		if errors.Is(cause, context.Canceled) {
			cause = errors.New("signal received")
		}
		why = "stopped: " + cause.Error()
	}
	fmt.Fprintln(stdout, why)
	return err
}

func receiverURL(getenv func(string) string) string {
	if u := getenv(EnvURL); u != "" {
		return u
	}
	return "http://" + defaultAddr
}

func configure(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("configure", flag.ContinueOnError)
	fs.SetOutput(stderr)
	target := fs.String("url", receiverURL(getenv), "receiver base `URL` (default from "+EnvURL+")")
	vendor := fs.String("vendor", "", "`vendor`: jelou or jurichat")
	name := fs.String("name", "", "endpoint `name`: deliveries go to /VENDOR/NAME")
	authType := fs.String("auth-type", "", "Jelou only: the `auth_type` of the integration (bearer, api_key, basic or no_auth); "+
		"with "+EnvAuthorization+", the receiver also checks the credential Jelou sends")
	if err := parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if !receiver.ValidVendor(*vendor) {
		return usageError(fs, "-vendor must be jelou or jurichat")
	}
	if !receiver.ValidName(*name) {
		return usageError(fs, "-name must be 1-64 letters, digits, '.', '_' or '-'")
	}
	ep := receiver.Endpoint{Secret: getenv(EnvSecret), AuthType: *authType, Authorization: getenv(EnvAuthorization)}
	if ep.Secret == "" {
		return usageError(fs, "set %s to the signing secret (it is never taken on the command line)", EnvSecret)
	}
	token := getenv(EnvAdminToken)
	if token == "" {
		return usageError(fs, "set %s to the receiver's admin token", EnvAdminToken)
	}
	if err := ep.Validate(*vendor); err != nil {
		return usageError(fs, "%v", err)
	}
	client, err := receiver.NewClient(*target)
	if err != nil {
		return usageError(fs, "-url: %v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := client.Register(ctx, token, *vendor, *name, ep); err != nil {
		return err
	}
	what := "signing secret"
	if ep.AuthType != "" && ep.AuthType != receiver.AuthNone {
		what += " and " + ep.AuthType + " credential"
	}
	fmt.Fprintf(stdout, "registered the %s for %s/%s with the receiver at %s\n", what, *vendor, *name, *target)
	return nil
}

func deliveries(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("deliveries", flag.ContinueOnError)
	fs.SetOutput(stderr)
	target := fs.String("url", receiverURL(getenv), "receiver base `URL` (default from "+EnvURL+")")
	if err := parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	client, err := receiver.NewClient(*target)
	if err != nil {
		return usageError(fs, "-url: %v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	list, err := client.Deliveries(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "no deliveries yet")
	}
	for _, d := range list {
		fmt.Fprintln(stdout, receiver.FormatDelivery(d))
	}
	return nil
}
