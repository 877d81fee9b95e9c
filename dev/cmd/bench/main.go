// Command bench is `make bench`: it measures what the jelou and jurichat
// providers add to Terraform's own cost, against the emulator on loopback,
// and writes the results as Markdown (see package dev/bench).
//
//	go run ./dev/cmd/bench [-terraform PATH] [-n 10,100,500] [-runs 3] [-suites ...] [-o docs-dev/BENCHMARK.md]
//
// Without -terraform it uses $TF_ACC_TERRAFORM_PATH, else the CLI
// scripts/ensure-cli.sh finds or builds. Ctrl-C stops it; nothing is left
// running and nothing is written.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/bench"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cli := fs.String("terraform", "", "`path` of the Terraform-compatible CLI; default: $TF_ACC_TERRAFORM_PATH, else scripts/ensure-cli.sh")
	root := fs.String("root", "", "repository `directory`; default: found from the working directory")
	ns := fs.String("n", "10,100,500", "resource `counts`, comma-separated")
	runs := fs.Int("runs", 3, "runs of every case; the median is reported, with min and max")
	suites := fs.String("suites", strings.Join(bench.Suites, ","), "`suites` to run, comma-separated: "+strings.Join(bench.Suites, ", "))
	rateLimit := fs.Int("rate-limit", 50, "requests per second the emulator allows in the ratelimit suite")
	rateN := fs.Int("rate-n", 500, "webhooks the ratelimit suite creates")
	pipelines := fs.Int("pipelines", bench.DefaultPipelines, "applies at once in the pipelines suite")
	pipelineLimit := fs.Int("pipeline-limit", bench.DefaultPipelineLimit, "requests per second per credential the emulator allows in the pipelines suite")
	pipelineLatency := fs.Duration("pipeline-latency", bench.DefaultPipelineLatency, "latency the emulator adds to every request in the pipelines suite")
	pipelineFaults := fs.String("pipeline-faults", bench.DefaultPipelineFaults, "other faults of the emulator in the pipelines suite (as emulator -faults), or none")
	var env []string
	fs.Func("env", "extra `NAME=value` in the environment of the CLI and so of the providers (repeatable), e.g. TF_LOG_SDK=off", func(v string) error {
		env = append(env, v)
		return nil
	})
	out := fs.String("o", filepath.Join("docs-dev", "BENCHMARK.md"), "Markdown `file` to write (relative to the repository root); - for none")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "bench: "+format+"\n", a...)
		fs.Usage()
		return 2
	}
	if fs.NArg() > 0 {
		return usage("unexpected arguments: %q", fs.Args())
	}
	cfg := bench.Config{Root: *root, Terraform: *cli, Runs: *runs, RateLimit: *rateLimit, RateN: *rateN,
		Pipelines: *pipelines, PipelineLimit: *pipelineLimit, PipelineLatency: *pipelineLatency, PipelineFaults: *pipelineFaults,
		Env: env, Log: stderr}
	for f := range strings.SplitSeq(*ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return usage("-n: %q is not a positive number", f)
		}
		cfg.Ns = append(cfg.Ns, n)
	}
	for s := range strings.SplitSeq(*suites, ",") {
		cfg.Suites = append(cfg.Suites, strings.TrimSpace(s))
	}
	if *runs <= 0 || *rateLimit <= 0 || *rateN <= 0 || *pipelines <= 0 || *pipelineLimit <= 0 || *pipelineLatency <= 0 {
		return usage("-runs, -rate-limit, -rate-n, -pipelines, -pipeline-limit and -pipeline-latency must be positive")
	}

	if cfg.Root == "" {
		r, err := tfrun.FindRoot()
		if err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 1
		}
		cfg.Root = r
	}
	if cfg.Terraform == "" {
		cfg.Terraform = os.Getenv("TF_ACC_TERRAFORM_PATH")
	}
	if cfg.Terraform == "" {
		p, err := tfrun.EnsureCLI(ctx, cfg.Root, stderr)
		if err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 1
		}
		cfg.Terraform = p
	}
	if err := cfg.Validate(); err != nil {
		return usage("%v", err)
	}

	report, err := bench.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	md := report.Markdown()
	fmt.Fprint(stdout, md)
	if *out != "-" {
		path := *out
		if !filepath.IsAbs(path) {
			path = filepath.Join(cfg.Root, path)
		}
		if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 1
		}
		fmt.Fprintf(stderr, "bench: wrote %s (%s)\n", path, report.Duration.Round(1e9))
	}
	return 0
}
