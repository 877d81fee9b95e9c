package bench

import (
	"strings"
	"testing"
	"time"
)

func TestSummarise(t *testing.T) {
	if s := Summarise([]time.Duration{3, 1, 2}); s.Median != 2 || s.Min != 1 || s.Max != 3 || s.N != 3 {
		t.Errorf("odd: %+v", s)
	}
	if s := Summarise([]int64{4, 1, 3, 2}); s.Median != 2 || s.Min != 1 || s.Max != 4 {
		t.Errorf("even: %+v (want the mean of the middle two, 2)", s)
	}
	if s := Summarise([]float64{1.5, 2.5}); s.Median != 2 {
		t.Errorf("float: %+v", s)
	}
	if s := Summarise[int64](nil); s != (Stat[int64]{}) {
		t.Errorf("none: %+v", s)
	}
	in := []int64{3, 1, 2}
	Summarise(in)
	if in[0] != 3 {
		t.Error("Summarise sorted its argument")
	}
}

const statusText = `Name:	terraform-provi
Umask:	0022
State:	S (sleeping)
VmPeak:	 1300000 kB
VmHWM:	   65432 kB
VmRSS:	   40000 kB
Threads:	9
`

func TestParseStatus(t *testing.T) {
	st, err := parseStatus([]byte(statusText))
	if err != nil {
		t.Fatal(err)
	}
	if st.HWM != 65432<<10 || st.RSS != 40000<<10 {
		t.Errorf("status = %+v", st)
	}
	// A zombie or a kernel thread has no memory lines.
	if _, err := parseStatus([]byte("Name:\tx\nState:\tZ (zombie)\n")); err == nil {
		t.Error("a status without VmRSS parsed")
	}
	if _, err := parseStatus([]byte("VmHWM:\t12 MB\nVmRSS:\t1 kB\n")); err == nil {
		t.Error("a unit other than kB parsed")
	}
}

func TestParseStat(t *testing.T) {
	// comm can hold spaces and parentheses; fields after it are counted from the last ")".
	line := "4242 (terraform-provi (x) y) S 4200 4242 4200 0 -1 4194560 1234 0 0 0 150 25 0 0 20 0 9 0 100 1300000000 16000 18446744073709551615\n"
	st, err := parseStat([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if st.Comm != "terraform-provi (x) y" || st.PPID != 4200 || st.CPU != 1750*time.Millisecond {
		t.Errorf("stat = %+v", st)
	}
	if _, err := parseStat([]byte("4242 (x) S 1")); err == nil {
		t.Error("a short stat parsed")
	}
}

func TestParseChildren(t *testing.T) {
	if got := parseChildren([]byte("12 345 6789 \n")); len(got) != 3 || got[0] != 12 || got[2] != 6789 {
		t.Errorf("children = %v", got)
	}
	if got := parseChildren(nil); len(got) != 0 {
		t.Errorf("children of nothing = %v", got)
	}
}

func TestIsProvider(t *testing.T) {
	for comm, want := range map[string]bool{
		"terraform-provi":          true, // the kernel keeps 15 bytes
		"terraform-provider-jelou": true,
		"terraform":                false,
		"terraform-prov":           false,
		"bash":                     false,
	} {
		if got := isProvider(comm); got != want {
			t.Errorf("isProvider(%q) = %v", comm, got)
		}
	}
}

func TestParseInitTrace(t *testing.T) {
	text := `init internal/bytealg @0.008 ms, 0 ms clock, 0 bytes, 0 allocs
init runtime @0.035 ms, 0.040 ms clock, 0 bytes, 0 allocs
something else
init google.golang.org/protobuf/reflect/protodesc @2.1 ms, 0.25 ms clock, 165000 bytes, 900 allocs
init github.com/hashicorp/terraform-registry-address @2.5 ms, 0.5 ms clock, 91000 bytes, 600 allocs
init github.com/externalsupport/terraform-provider-externalsupport/internal/jelouprovider @2.9 ms, 0.008 ms clock, 2696 bytes, 37 allocs
`
	tr := ParseInitTrace(text, 2)
	if tr.Packages != 5 || tr.Bytes != 258696 || tr.OwnPackages != 1 || tr.OwnClock != 8*time.Microsecond || tr.OwnBytes != 2696 {
		t.Errorf("trace = %+v", tr)
	}
	if tr.Clock != 798*time.Microsecond || tr.Done != 3*time.Millisecond {
		t.Errorf("clock %s, done %s", tr.Clock, tr.Done)
	}
	if len(tr.Top) != 2 || tr.Top[0].Package != "github.com/hashicorp/terraform-registry-address" || tr.Top[1].Allocs != 900 {
		t.Errorf("top = %+v", tr.Top)
	}
}

func TestBusiestWindow(t *testing.T) {
	var pts []TimelinePoint
	// 10 per 100 ms for a second, then 60 in the next 200 ms, then nothing.
	n := 0
	for i := 0; i <= 10; i++ {
		pts = append(pts, TimelinePoint{At: time.Duration(i) * 100 * time.Millisecond, Accepted: n})
		n += 10
	}
	pts = append(pts, TimelinePoint{At: 1200 * time.Millisecond, Accepted: 160}, TimelinePoint{At: 3 * time.Second, Accepted: 160})
	if got := BusiestWindow(pts, time.Second); got != 140 {
		t.Errorf("busiest = %v, want 140 (from 0.2 s to 1.2 s)", got)
	}
	if got := BusiestWindow(nil, time.Second); got != 0 {
		t.Errorf("busiest of nothing = %v", got)
	}
}

func TestRateLimitResult(t *testing.T) {
	r := &RateLimitResult{Limit: 50, N: 100, Requests: 130, Limited: 28, Wall: 4 * time.Second,
		Counts: map[string]int{"POST /jurichat/webhooks": 128, "GET /jurichat/webhooks/events": 2},
		Timeline: []TimelinePoint{
			{At: 0, Accepted: 0}, {At: 500 * time.Millisecond, Accepted: 0},
			{At: 550 * time.Millisecond, Accepted: 10}, {At: 1500 * time.Millisecond, Accepted: 60},
			{At: 2550 * time.Millisecond, Accepted: 100}, {At: 2600 * time.Millisecond, Accepted: 100},
		}}
	r.Created = 100
	if from, to := r.CreatePhase(); from != 500*time.Millisecond || to != 2550*time.Millisecond {
		t.Errorf("create phase %s–%s", from, to)
	}
	if r.Retries() != 28 || r.Accepted() != 102 || r.Failed() != 0 {
		t.Errorf("retries %d, accepted %d, failed %d", r.Retries(), r.Accepted(), r.Failed())
	}
	// 50/s over 2.05 s, plus the one-second burst of 50.
	if a := r.Allowed(); a < 152.4 || a > 152.6 {
		t.Errorf("allowed = %v", a)
	}
	if s := r.Share(); s < 0.66 || s > 0.68 {
		t.Errorf("share = %v", s)
	}
	if rps := r.SustainedRPS(); rps < 48.7 || rps > 48.8 {
		t.Errorf("sustained = %v", rps)
	}
}

// fakeCase is a case whose every run made the given requests per resource
// (by method) plus extra per command.
func fakeCase(kind string, n, runs int, perResource map[Op]map[string]int, extra map[string]int, wall time.Duration) *Case {
	k, _ := KindByName(kind)
	c := &Case{Kind: k, N: n, Samples: make([][]Sample, len(Ops))}
	route := map[string]string{
		"jelou":    "/jelou/v1/external-support/{projectId}",
		"jurichat": "/jurichat/webhooks/{webhookId}",
	}[kind]
	for _, op := range Ops {
		for r := range runs {
			counts := map[string]int{}
			for m, per := range perResource[op] {
				key := m + " " + route
				if kind == "jurichat" && m == "POST" {
					key = "POST /jurichat/webhooks"
				}
				counts[key] = per * n
			}
			for key, v := range extra {
				counts[key] = v
			}
			c.Samples[op] = append(c.Samples[op], Sample{Wall: wall + time.Duration(r)*time.Millisecond, Counts: counts,
				Usage: ProcUsage{ProviderProcs: 3, ProviderPeakRSS: 30 << 20, CorePeakRSS: 60 << 20}})
		}
	}
	return c
}

func expectedAll() map[Op]map[string]int {
	m := map[Op]map[string]int{}
	for _, op := range Ops {
		m[op] = op.Expected()
	}
	return m
}

func TestRequestsAccounting(t *testing.T) {
	good := fakeCase("jurichat", 10, 2, expectedAll(), map[string]int{"GET /jurichat/webhooks/events": 2}, time.Second)
	for _, op := range Ops {
		req := good.Requests(op)
		if !req.Exact {
			t.Errorf("%s: %+v not exact", op, req)
		}
		if req.Other["GET /jurichat/webhooks/events"] != 2 {
			t.Errorf("%s: other = %v", op, req.Other)
		}
	}
	if got := formatPerMethod(good.Requests(OpUpdate).PerResource); got != "1 GET + 1 PATCH" {
		t.Errorf("update = %q", got)
	}

	// A provider that reads back after create: 1 POST + 1 GET.
	twice := expectedAll()
	twice[OpCreate] = map[string]int{"POST": 1, "GET": 1}
	bad := fakeCase("jelou", 10, 1, twice, nil, time.Second)
	req := bad.Requests(OpCreate)
	if req.Exact || formatPerMethod(req.PerResource) != "1 GET + 1 POST" {
		t.Errorf("create = %+v", req)
	}
	// One run of two with a retry: not exact, the mean shows it.
	retry := fakeCase("jelou", 10, 2, expectedAll(), nil, time.Second)
	retry.Samples[OpDestroy][1].Counts["DELETE /jelou/v1/external-support/{projectId}"]++
	if req := retry.Requests(OpDestroy); req.Exact || formatPerMethod(req.PerResource) != "1 GET + 1.05 DELETE" {
		t.Errorf("destroy = %+v %s", req, formatPerMethod(req.PerResource))
	}
}

func TestJurichatMethod(t *testing.T) {
	for key, want := range map[string]string{
		"POST /jurichat/webhooks":                               "POST",
		"POST /jurichat/webhooks/{$}":                           "POST",
		"GET /jurichat/webhooks/{webhookId}":                    "GET",
		"DELETE /jurichat/webhooks/{webhookId}":                 "DELETE",
		"GET /jurichat/webhooks/events":                         "",
		"GET /jurichat/webhooks":                                "",
		"GET /jurichat/webhooks/{webhookId}/deliveries":         "",
		"POST /jurichat/webhooks/deliveries/{deliveryId}/retry": "",
		"GET /jelou/v1/external-support/{projectId}":            "",
	} {
		if got := jurichatMethod(key); got != want {
			t.Errorf("jurichatMethod(%q) = %q, want %q", key, got, want)
		}
	}
}

func fakeReport() *Report {
	r := &Report{Config: Config{Runs: 2}.withDefaults(), Machine: Machine{CPU: "Test CPU", Cores: 2, MemoryBytes: 8 << 30, OS: "TestOS",
		Go: "go1.26", CLI: "Terraform v1.11.4", Date: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), LoadStart: "0.10 0.20 0.30", LoadEnd: "0.40 0.50 0.60", OtherCPU: 0.025}}
	r.Config.Runs = 2
	for _, n := range []int{10, 500} {
		floor := fakeCase("floor", n, 2, nil, nil, time.Duration(n)*10*time.Millisecond)
		r.Cases = append(r.Cases, floor,
			fakeCase("jelou", n, 2, expectedAll(), nil, time.Duration(n)*12*time.Millisecond),
			fakeCase("jurichat", n, 2, expectedAll(), map[string]int{"GET /jurichat/webhooks/events": 2}, time.Duration(n)*14*time.Millisecond))
	}
	r.Startup = &StartupResult{Runs: 10, BinaryBytes: 26 << 20, Providers: []ProviderStartup{
		{Name: "jelou", Handshake: Stat[time.Duration]{Median: 12 * time.Millisecond}, WithoutTLS: Stat[time.Duration]{Median: 4 * time.Millisecond},
			RSS: Stat[int64]{Median: 20 << 20}}}}
	r.RateLimit = &RateLimitResult{Limit: 50, N: 500, Created: 500, Requests: 522, Limited: 20, Wall: 12 * time.Second,
		Counts:   map[string]int{"POST /jurichat/webhooks": 520, "GET /jurichat/webhooks/events": 2},
		Timeline: []TimelinePoint{{At: time.Second, Accepted: 0}, {At: 11 * time.Second, Accepted: 500}}}
	// 6 pipelines: 240 webhooks created from 1 s to 13 s; 250 JuriChat
	// requests let through then, of 20 + 20×12 = 260 allowed (96%); 30 of
	// 300 requests answered 429 (10%).
	ok := PipelineRun{Wall: 13 * time.Second}
	r.Pipelines = &PipelinesResult{Pipelines: 6, Webhooks: 40, Integrations: 4, Limit: 20, Latency: 40 * time.Millisecond, Faults: "503=0.02",
		Wall: 14 * time.Second, Applies: []PipelineRun{ok, ok, ok, ok, ok, ok}, Destroys: []PipelineRun{ok, ok, ok, ok, ok, ok},
		HeldWebhooks: 240, HeldIntegrations: 24,
		Counts:   map[string]int{"POST /jurichat/webhooks": 264, "GET /jurichat/webhooks/events": 12, "POST /jelou/v1/external-support/{projectId}": 24},
		Limited:  map[string]int{"jurichat": 28, "jelou": 2},
		Timeline: []TimelinePoint{{At: 0}, {At: time.Second}, {At: 13 * time.Second, Accepted: 240}, {At: 14 * time.Second, Accepted: 240}},
		Through:  []int{0, 2, 252, 252}}
	return r
}

func TestTargets(t *testing.T) {
	r := fakeReport()
	targets := r.Targets()
	if len(targets) != 5 {
		t.Fatalf("%d targets", len(targets))
	}
	if targets[0].Status != "met" || !strings.Contains(targets[0].Figures, "2 × `GET /jurichat/webhooks/events`") {
		t.Errorf("requests: %+v", targets[0])
	}
	// jelou at 1.2×, jurichat at 1.4×.
	if targets[1].Status != "missed" || !strings.Contains(targets[1].Figures, "jelou_external_support: apply (create) 1.20×") ||
		!strings.Contains(targets[1].Figures, "apply (create) 1.40× **(over)**") {
		t.Errorf("time: %+v", targets[1])
	}
	// 502 accepted of 50 + 50×10 allowed: 91%, under 95%; 20 of 522 answered 429 (3.8%).
	if targets[2].Status != "missed" || !strings.Contains(targets[2].Figures, "91% of what the limit allowed") ||
		!strings.Contains(targets[2].Figures, "20 of 522 requests answered 429 (3.8%)") {
		t.Errorf("rate: %+v", targets[2])
	}
	if targets[3].Status != "met" || !strings.Contains(targets[3].Figures, "96% of the shared JuriChat limit") ||
		!strings.Contains(targets[3].Figures, "30 of 300 requests answered 429 (10.0%)") {
		t.Errorf("pipelines: %+v", targets[3])
	}
	if targets[4].Status != "reported" || !strings.Contains(targets[4].Figures, "jelou serves after 12.0 ms (8.0 ms of it go-plugin's mTLS set-up) with 20.0 MiB resident") {
		t.Errorf("startup: %+v", targets[4])
	}

	r.RateLimit.Timeline[1].At = 10 * time.Second // 502 of 50 + 50×9 allowed: 100%
	if got := r.rateTarget(); got.Status != "met" {
		t.Errorf("rate: %+v", got)
	}
	r.RateLimit.Created = 499
	if got := r.rateTarget(); got.Status != "missed" {
		t.Errorf("a failed webhook met the rate target: %+v", got)
	}
	r.Pipelines.Applies[2].ExitCode = 1
	if got := r.pipelinesTarget(); got.Status != "missed" {
		t.Errorf("a failed apply met the pipelines target: %+v", got)
	}
	r.Pipelines.Applies[2].ExitCode = 0
	r.Pipelines.Limited["jurichat"] = 60 // 62 of 300: 20.7%
	if got := r.pipelinesTarget(); got.Status != "missed" {
		t.Errorf("20%% of requests answered 429 met the pipelines target: %+v", got)
	}
	r.Cases[1].Samples[OpRefresh][0].Counts["GET /jelou/v1/external-support/{projectId}"] = 20
	if got := r.requestTarget(); got.Status != "missed" || !strings.Contains(got.Figures, "jelou_external_support plan -refresh-only at N=10: 1.5 GET per resource, want 1 GET") {
		t.Errorf("requests: %+v", got)
	}
	if got := (&Report{}).Targets(); got[0].Status != "not measured" || got[1].Status != "not measured" || got[2].Status != "not measured" {
		t.Errorf("empty report: %+v", got)
	}
}

func TestMarkdown(t *testing.T) {
	md := fakeReport().Markdown()
	for _, want := range []string{
		"# Benchmark: what the providers add to Terraform",
		"| CPU | Test CPU, 2 logical cores |",
		"| load average (1, 5, 15 min) | 0.10 0.20 0.30 at the start, 0.40 0.50 0.60 at the end (the bench's own threads count) |",
		"| CPU used by other processes during the run | 2.5% of the machine's capacity |",
		"| N | operation | terraform_data (floor) | jelou_external_support | × floor | jurichat_webhook | × floor |",
		"| 500 | apply (create) | 5.00 s (5.00–5.00) | 6.00 s (6.00–6.00) | 1.20× | 7.00 s (7.00–7.00) | 1.40× |",
		"| 10 | apply (update in place) | 1 GET + 1 PATCH | 1 GET + 1 PATCH ✓ | none | 1 GET + 1 PATCH ✓ | 2 × `GET /jurichat/webhooks/events` |",
		"| 500 | destroy | 60.0 MiB | 3 | 30.0 MiB | 60.0 MiB |",
		"## Where the time goes, at N=500",
		"| jelou | 12.0 ms (0.00 ms–0.00 ms) | 8.0 ms | 20.0 MiB |",
		"| webhooks created | 500 of 500 |",
		"| answered 429 by the limit | 20 (3.8% of requests) |",
		"## Pipelines sharing a rate limit",
		"| JuriChat requests let through while creating (creates and event-catalogue reads), of what the shared limit allowed | 250 of 260 (96%) |",
		"| answered 429 by the limit | 30 (10.0%): 28 to JuriChat, 2 to Jelou |",
		"```sh\nmake bench\n```",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown lacks %q", want)
		}
	}
	// Every table row has as many cells as its header.
	var cols int
	for line := range strings.SplitSeq(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			cols = 0
			continue
		}
		n := strings.Count(line, "|")
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("row %q has %d separators, its table %d", line, n, cols)
		}
	}
}

func TestParseBusy(t *testing.T) {
	stat := "cpu  100 5 50 10000 20 3 2 1 0 0\ncpu0 50 2 25 5000 10 1 1 0 0 0\n"
	// user + nice + system + irq + softirq + steal, in ticks of 10 ms.
	if got := parseBusy([]byte(stat)); got != 1610*time.Millisecond {
		t.Errorf("busy = %s", got)
	}
	if got := parseBusy([]byte("intr 1 2 3\n")); got != 0 {
		t.Errorf("busy of no cpu line = %s", got)
	}
}

func TestFormatting(t *testing.T) {
	for f, want := range map[float64]string{1: "1", 1.5: "1.5", 1.25: "1.25", 0.333: "0.33", 2.004: "2"} {
		if got := trimFloat(f); got != want {
			t.Errorf("trimFloat(%v) = %q, want %q", f, got, want)
		}
	}
	if got := formatPerMethod(map[string]float64{"DELETE": 1, "GET": 1, "X": 2}); got != "1 GET + 1 DELETE + 2 X" {
		t.Errorf("formatPerMethod = %q", got)
	}
	if got := formatPerMethod(nil); got != "none" {
		t.Errorf("formatPerMethod(nil) = %q", got)
	}
	if got := signedSeconds(-1500 * time.Millisecond); got != "−1.50 s" {
		t.Errorf("signedSeconds = %q", got)
	}
	if got := tail("a\nb\nc\n", 2); got != "    …\n    b\n    c" {
		t.Errorf("tail = %q", got)
	}
}

func TestConfigValidate(t *testing.T) {
	if err := (Config{Terraform: "tf", Suites: []string{"floor", "bogus"}}).Validate(); err == nil || !strings.Contains(err.Error(), `"bogus"`) {
		t.Errorf("err = %v", err)
	}
	if err := (Config{Terraform: "tf", Ns: []int{0}}).Validate(); err == nil {
		t.Error("N=0 accepted")
	}
	if err := (Config{}).Validate(); err == nil {
		t.Error("no CLI accepted")
	}
	c := Config{Terraform: "tf"}.withDefaults()
	if len(c.Ns) != 3 || c.Runs != 3 || c.RateLimit != 50 || c.RateN != 500 || len(c.Suites) != len(Suites) {
		t.Errorf("defaults = %+v", c)
	}
}
