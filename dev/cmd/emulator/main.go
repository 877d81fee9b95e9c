// Command emulator serves the Jelou and JuriChat API emulator on loopback:
//
//	go run ./dev/cmd/emulator -version
//	go run ./dev/cmd/emulator [-addr 127.0.0.1:8089] [-jelou-shape envelope|flat] [-jelou-sparse-get] [-quiet] ...
//	go run ./dev/cmd/emulator -jelou-project-key acme-sales=KEY1 -jelou-project-key acme-support=KEY2
//	go run ./dev/cmd/emulator -faults 500=0.05,503=0.05,429=0.05,reset=0.02,commit-reset=0.02 \
//	    [-latency 20ms] [-answer-latency 2s] [-rate-limit N] [-seed 1]
//	go run ./dev/cmd/emulator -script jelou.integration.create=commit-reset -script jurichat.webhook.get=503*2
//	go run ./dev/cmd/emulator -lifetime 8h   # stops by itself (make quickstart runs it so)
//
// Jelou is served under /jelou and JuriChat under /jurichat; see package
// dev/emulator for the control routes under /_emulator. The fault flags
// apply to the vendor routes only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/loopback"
)

// version is set when the emulator is released (.goreleaser.emulator.yml):
// -ldflags "-X main.version=1.2.3". go run and go build leave it "dev".
var version = "dev"

// errUsage marks a command-line mistake that run has already reported with the usage text.
var errUsage = loopback.ErrUsage

func main() {
	loopback.Main("emulator", func(ctx context.Context, args []string) error {
		return run(ctx, args, os.Stdout, os.Stderr)
	})
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
	fs.BoolVar(&opts.JelouSparseGet, "jelou-sparse-get", false, "answer Jelou GETs as the get page's example does: only brainId, webhookUrl, createdAt, updatedAt")
	fs.StringVar(&opts.JurichatToken, "jurichat-token", opts.JurichatToken, "JuriChat `token` accepted as Authorization: Bearer")
	fs.StringVar(&opts.JurichatAPIKey, "jurichat-api-key", opts.JurichatAPIKey, "JuriChat `key` accepted in the x-jurichat-api-key header")
	fs.Func("jelou-project-key", "bind a Jelou API key to one project, as `PROJECT=KEY` (repeatable): that project accepts only "+
		"this key, the key is refused for every other project (401), and projects without a key of their own keep "+
		"accepting -jelou-api-key (default: -jelou-api-key for every project)",
		func(s string) error {
			project, key, err := emulator.ParseProjectKey(s)
			if err != nil {
				return err
			}
			if _, dup := opts.JelouProjectKeys[project]; dup {
				return fmt.Errorf("project %q is given a key twice", project)
			}
			if opts.JelouProjectKeys == nil {
				opts.JelouProjectKeys = map[string]string{}
			}
			opts.JelouProjectKeys[project] = key
			return nil
		})
	showVersion := fs.Bool("version", false, "print the version and exit")
	quiet := fs.Bool("quiet", false, "do not log one line per request to stderr")
	var scripts []emulator.ScriptEntry
	fs.Func("script", "fail the next requests to a route, as `ROUTE=FAULT[*N]` (repeatable; N a count or forever, default 1): "+
		"FAULT an HTTP status 400-599, reset, commit-reset, slow or slow:DURATION; the routes are listed below; "+
		"e.g. jelou.integration.create=503*2",
		func(s string) error {
			entry, err := emulator.ParseScript(s)
			if err != nil {
				return err
			}
			scripts = append(scripts, entry)
			return nil
		})
	var faults emulator.FaultSpec
	fs.Func("faults", "inject faults into vendor requests: comma-separated `kind=probability` pairs, kinds an HTTP "+
		"status 400-599, reset (drop the connection before acting) or commit-reset (act, then drop it); "+
		"e.g. 500=0.05,503=0.05,429=0.05,reset=0.02,commit-reset=0.02",
		func(s string) error {
			spec, err := emulator.ParseFaults(s)
			if err != nil {
				return err
			}
			faults, opts.Faults = spec, spec.String()
			return nil
		})
	fs.Func("latency", "`duration` to wait before handling each vendor request, e.g. 20ms (default none)",
		durationFlag(&opts.Latency, "20ms or 1s"))
	fs.Func("answer-latency", "`duration` to hold the answer of each vendor request that changes something (not GET) "+
		"after acting on it, e.g. 2s: the change is stored at once, the answer comes later (default none)",
		durationFlag(&opts.AnswerLatency, "500ms or 2s"))
	fs.Func("rate-limit", "vendor requests per second per credential (`N`, in bursts of up to max(1, N)); beyond it HTTP 429 with Retry-After (default unlimited)", func(s string) error {
		n, err := strconv.ParseFloat(s, 64)
		if err != nil || !(n >= 0) || math.IsInf(n, 0) {
			return errors.New("want a number of requests per second, at least 0 (0: unlimited)")
		}
		opts.RateLimit = n
		return nil
	})
	fs.Int64Var(&opts.Seed, "seed", opts.Seed, "`seed` of the fault draws: the same seed injects the same faults into the same sequence of requests")
	var lifetime time.Duration
	fs.Func("lifetime", "stop by itself after this `duration`, e.g. 8h, so that a forgotten background emulator does not run forever (default: until stopped)",
		durationFlag(&lifetime, "8h or 30m"))
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage of emulator:")
		fs.PrintDefaults()
		fmt.Fprintln(fs.Output(), "\nRoutes (the ROUTE of -script and of POST /_emulator/script):")
		for _, rt := range emulator.RouteTable() {
			fmt.Fprintf(fs.Output(), "  %-26s %-6s %s\n", rt.Name, rt.Method, rt.Path)
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage // the flag package has printed the problem and the usage
	}
	if *showVersion {
		fmt.Fprintln(stdout, "externalsupport-emulator", version)
		return nil
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
		return usage(err)
	}
	if err := emulator.CheckListenAddr(*addr); err != nil {
		return usage(fmt.Errorf("-addr: %w", err))
	}
	if !*quiet {
		opts.RequestLog = stderr
	}

	if lifetime > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, lifetime)
		defer cancel()
	}

	srv, err := emulator.Start(ctx, *addr, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "emulator listening on %s\n", srv.URL)
	fmt.Fprintf(stdout, "jelou base_url: %s\n", srv.JelouURL())
	fmt.Fprintf(stdout, "jurichat base_url: %s\n", srv.JurichatURL())
	if len(opts.JelouProjectKeys) > 0 {
		// The projects only: keys are never printed.
		fmt.Fprintf(stdout, "jelou projects with their own key: %s\n", strings.Join(slices.Sorted(maps.Keys(opts.JelouProjectKeys)), ", "))
	}
	if line := faultLine(faults, opts); line != "" {
		fmt.Fprintln(stdout, line)
	}
	for _, entry := range scripts {
		if err := srv.Script(entry.Route, entry.Fault, entry.Times); err != nil {
			_ = srv.Close()
			return err // ParseScript has checked route, fault and count
		}
		fmt.Fprintf(stdout, "scripted: %s\n", entry)
	}
	if lifetime > 0 {
		fmt.Fprintf(stdout, "stops by itself at %s (-lifetime %s)\n", time.Now().Add(lifetime).UTC().Format(time.RFC3339), lifetime)
	}
	err = srv.Wait()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		fmt.Fprintf(stdout, "emulator stopped: -lifetime %s reached\n", lifetime)
	}
	return err
}

// durationFlag parses a flag's value into *dst: a duration, not negative;
// examples is what the error suggests instead.
func durationFlag(dst *time.Duration, examples string) func(string) error {
	return func(s string) error {
		d, err := time.ParseDuration(s)
		switch {
		case err != nil:
			return errors.New("want a duration such as " + examples)
		case d < 0:
			return errors.New("must not be negative")
		}
		*dst = d
		return nil
	}
}

// faultLine describes the active fault injection, or is empty when there is none.
func faultLine(faults emulator.FaultSpec, opts emulator.Options) string {
	var parts []string
	if len(faults) > 0 {
		parts = append(parts, strings.ReplaceAll(faults.String(), ",", " "), fmt.Sprintf("seed=%d", opts.Seed))
	}
	if opts.Latency > 0 {
		parts = append(parts, "latency="+opts.Latency.String())
	}
	if opts.AnswerLatency > 0 {
		parts = append(parts, "answer-latency="+opts.AnswerLatency.String())
	}
	if opts.RateLimit > 0 {
		parts = append(parts, "rate-limit="+strconv.FormatFloat(opts.RateLimit, 'g', -1, 64)+"/s")
	}
	if len(parts) == 0 {
		return ""
	}
	return "faults: " + strings.Join(parts, " ")
}
