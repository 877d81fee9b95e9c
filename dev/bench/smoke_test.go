package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
)

// TestBenchSmoke runs the whole bench small (N=2, one run, every kind, a
// single provider launch, a short rate-limited apply) with the real CLI, and
// checks the request accounting: exactly one request per resource to
// create, refresh, update and delete. It asserts nothing about time.
func TestBenchSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the providers and runs a Terraform CLI; skipped with -short")
	}
	acctest.PreCheck(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var log bytes.Buffer
	report, err := Run(ctx, Config{
		Terraform: acctest.FindCLI().Path, Ns: []int{2}, Runs: 1, StartupRuns: 1,
		RateLimit: 50, RateN: 3, Log: &log,
	})
	if err != nil {
		t.Fatalf("the bench failed: %v\n%s", err, log.String())
	}
	if len(report.Cases) != len(Kinds) {
		t.Fatalf("%d cases, want one per kind", len(report.Cases))
	}
	for _, c := range report.Cases {
		for _, op := range Ops {
			if len(c.Samples[op]) != 1 {
				t.Fatalf("%s %s: %d samples", c.Kind.Name, op, len(c.Samples[op]))
			}
			req := c.Requests(op)
			if !c.Kind.API() {
				if len(req.PerResource)+len(req.Other) != 0 {
					t.Errorf("%s %s made API requests: %+v", c.Kind.Resource, op, req)
				}
				continue
			}
			if !req.Exact {
				t.Errorf("%s %s: %s per resource, want exactly %s (counts %v)",
					c.Kind.Resource, op, formatPerMethod(req.PerResource), formatExpected(op.Expected()), c.Samples[op][0].Counts)
			}
			// Besides the resources' own requests, only the JuriChat event
			// catalogue, fetched at most once per provider process.
			for key, n := range req.Other {
				if key != "GET /jurichat/webhooks/events" || int(n) > c.Samples[op][0].Usage.ProviderProcs {
					t.Errorf("%s %s: %v × %s", c.Kind.Resource, op, n, key)
				}
			}
		}
	}
	if report.Startup == nil || len(report.Startup.Providers) != 2 || report.Startup.Init.Packages == 0 {
		t.Errorf("startup = %+v", report.Startup)
	}
	if rl := report.RateLimit; rl == nil || rl.Created != 3 || rl.ExitCode != 0 {
		t.Errorf("ratelimit = %+v", rl)
	}
	md := report.Markdown()
	for _, want := range []string{"| 2 | apply (create) |", "## Provider start-up", "## Under a rate limit"} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	t.Logf("bench log:\n%s", log.String())
}
