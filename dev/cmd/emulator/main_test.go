package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// started runs run() in the background and returns the three lines it prints.
func started(t *testing.T, args ...string) (lines []string, stderr *lockedBuffer, stop func() error) {
	t.Helper()
	lines, stderr, stop, _ = startedN(t, 3, args...)
	return lines, stderr, stop
}

// startedN runs run() in the background and returns the first n lines it
// prints; rest returns what it printed after them, once stop has returned.
func startedN(t *testing.T, n int, args ...string) (lines []string, stderr *lockedBuffer, stop func() error, rest func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr = &lockedBuffer{}
	result := make(chan error, 1)
	go func() {
		err := run(ctx, args, pw, stderr)
		pw.Close()
		result <- err
	}()
	br := bufio.NewReader(pr)
	for len(lines) < n {
		line, err := br.ReadString('\n')
		if err != nil {
			break
		}
		lines = append(lines, strings.TrimSuffix(line, "\n"))
	}
	var more lockedBuffer
	drained := make(chan struct{})
	go func() { _, _ = io.Copy(&more, br); close(drained) }() // drain anything else
	rest = func() string { <-drained; return more.String() }
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-result:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("run did not return after cancellation")
			return nil
		}
	}
	t.Cleanup(func() { _ = stop() })
	if len(lines) < n {
		cancel()
		t.Fatalf("run printed %d lines before stopping (stderr: %s)", len(lines), stderr.String())
	}
	return lines, stderr, stop, rest
}

func TestRunPrintsListeningLines(t *testing.T) {
	lines, stderr, stop := started(t, "-addr", "127.0.0.1:0", "-jelou-api-key", "cmd-test-key", "-jelou-shape", "flat")
	m := regexp.MustCompile(`^emulator listening on (http://127\.0\.0\.1:\d+)$`).FindStringSubmatch(lines[0])
	if m == nil {
		t.Fatalf("first line = %q", lines[0])
	}
	base := m[1]
	if lines[1] != "jelou base_url: "+base+"/jelou" || lines[2] != "jurichat base_url: "+base+"/jurichat" {
		t.Errorf("base URL lines = %q, %q", lines[1], lines[2])
	}

	// The flags reach the emulator: the custom key works, the shape is flat.
	req, _ := http.NewRequest("POST", base+"/jelou/v1/external-support/p1", strings.NewReader(`{"webhookUrl":"https://a.example/h"}`))
	req.Header.Set("x-api-key", "cmd-test-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || bytes.Contains(body, []byte(`"data"`)) {
		t.Errorf("create: HTTP %d, flat=%v", resp.StatusCode, !bytes.Contains(body, []byte(`"data"`)))
	}

	if err := stop(); err != nil {
		t.Errorf("run returned %v after cancellation", err)
	}
	log := stderr.String()
	if !regexp.MustCompile(`(?m) POST /jelou/v1/external-support/p1 200 \S+$`).MatchString(log) {
		t.Errorf("stderr has no request line: %q", log)
	}
	if strings.Contains(log, "cmd-test-key") || strings.Contains(log, "webhookUrl") {
		t.Error("stderr contains a credential or a body")
	}
}

// A background emulator given -lifetime stops by itself, says when it will
// and why it did, and frees its port.
func TestRunLifetime(t *testing.T) {
	var stdout, stderr lockedBuffer
	result := make(chan error, 1)
	start := time.Now()
	go func() {
		result <- run(context.Background(), []string{"-addr", "127.0.0.1:0", "-lifetime", "500ms"}, &stdout, &stderr)
	}()
	var err error
	select {
	case err = <-result:
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return by itself after -lifetime 500ms")
	}
	if err != nil {
		t.Errorf("run = %v, want a clean stop", err)
	}
	if d := time.Since(start); d < 500*time.Millisecond {
		t.Errorf("run returned after %s, before its lifetime", d)
	}
	out := stdout.String()
	if !regexp.MustCompile(`(?m)^stops by itself at \S+Z \(-lifetime 500ms\)$`).MatchString(out) ||
		!strings.Contains(out, "emulator stopped: -lifetime 500ms reached\n") {
		t.Errorf("stdout = %q, want the stop time and the reason", out)
	}
	base := strings.TrimPrefix(strings.SplitN(out, "\n", 2)[0], "emulator listening on ")
	if resp, err := http.Get(base + "/_emulator/state"); err == nil {
		resp.Body.Close()
		t.Errorf("%s still answers after the lifetime", base)
	}
}

// Without -lifetime nothing is said about stopping, and a cancellation is not
// reported as the lifetime's end.
func TestRunNoLifetime(t *testing.T) {
	_, _, stop, rest := startedN(t, 3, "-addr", "127.0.0.1:0")
	if err := stop(); err != nil {
		t.Errorf("run = %v", err)
	}
	if s := rest(); strings.Contains(s, "lifetime") {
		t.Errorf("stdout after the listening lines = %q", s)
	}
}

func TestRunQuiet(t *testing.T) {
	lines, stderr, stop := started(t, "-addr", "127.0.0.1:0", "-quiet")
	base := strings.TrimPrefix(lines[0], "emulator listening on ")
	resp, err := http.Get(base + "/_emulator/state")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := stop(); err != nil {
		t.Errorf("run = %v", err)
	}
	if s := stderr.String(); s != "" {
		t.Errorf("-quiet wrote to stderr: %q", s)
	}
}

func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"bad shape", []string{"-jelou-shape", "xml"}, "invalid Jelou response shape"},
		{"all interfaces", []string{"-addr", "0.0.0.0:8089"}, "loopback"},
		{"empty host", []string{"-addr", ":8089"}, "loopback"},
		{"remote host", []string{"-addr", "192.168.1.2:8089"}, "loopback"},
		{"no port", []string{"-addr", "127.0.0.1"}, "host:port"},
		{"unknown flag", []string{"-nope"}, "flag provided but not defined"},
		{"extra argument", []string{"serve"}, "unexpected arguments"},
		{"unknown fault", []string{"-faults", "600=0.1"}, `unknown fault kind "600"`},
		{"fault probability", []string{"-faults", "500=1.5"}, "not between 0 and 1"},
		{"fault sum", []string{"-faults", "500=0.5,reset=0.6"}, "more than 1"},
		{"malformed faults", []string{"-faults", "500"}, "want kind=probability"},
		{"bad latency", []string{"-latency", "soon"}, "want a duration"},
		{"negative latency", []string{"-latency", "-1s"}, "must not be negative"},
		{"negative answer latency", []string{"-answer-latency", "-1s"}, "must not be negative"},
		{"bad lifetime", []string{"-lifetime", "8"}, "want a duration"},
		{"negative lifetime", []string{"-lifetime", "-1h"}, "must not be negative"},
		{"bad rate limit", []string{"-rate-limit", "fast"}, "requests per second"},
		{"negative rate limit", []string{"-rate-limit", "-2"}, "requests per second"},
		{"bad seed", []string{"-seed", "one"}, "invalid value"},
		{"project key without key", []string{"-jelou-project-key", "sales"}, "want PROJECT=KEY"},
		{"project key twice", []string{"-jelou-project-key", "sales=k1", "-jelou-project-key", "sales=k2"}, `project "sales" is given a key twice`},
		{"one key for two projects", []string{"-jelou-project-key", "sales=k1", "-jelou-project-key", "support=k1"}, "belongs to one project"},
		{"script unknown route", []string{"-script", "jelou.create=503"}, `unknown route "jelou.create"`},
		{"script unknown fault", []string{"-script", "jelou.integration.create=timeout"}, `unknown fault kind "timeout"`},
		{"script bad count", []string{"-script", "jelou.integration.create=503*0"}, `count "0"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, &stdout, &stderr)
			if !errors.Is(err, errUsage) {
				t.Fatalf("run = %v, want a usage error", err)
			}
			if !strings.Contains(stderr.String(), tc.msg) || !strings.Contains(stderr.String(), "Usage") {
				t.Errorf("stderr = %q, want %q and the usage", stderr.String(), tc.msg)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q", stdout.String())
			}
		})
	}
}

func TestRunHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, &stdout, &stderr); err != nil {
		t.Errorf("run -h = %v", err)
	}
	for _, f := range []string{"-addr", "-jelou-api-key", "-jelou-client-id", "-jelou-client-secret", "-jelou-shape", "-jurichat-token", "-jurichat-api-key", "-quiet",
		"-faults", "-latency", "-answer-latency", "-rate-limit", "-seed", "-jelou-project-key", "-script",
		"jelou.integration.create   POST   /jelou/v1/external-support/{projectId}", "jurichat.delivery.retry"} {
		if !strings.Contains(stderr.String(), f) {
			t.Errorf("usage lacks %s", f)
		}
	}
}

func TestRunPortInUse(t *testing.T) {
	lines, _, _ := started(t, "-addr", "127.0.0.1:0", "-quiet")
	addr := strings.TrimPrefix(lines[0], "emulator listening on http://")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-addr", addr}, &stdout, &stderr)
	if err == nil || errors.Is(err, errUsage) {
		t.Errorf("run on a busy port = %v, want a runtime error", err)
	}
}

func TestRunFaults(t *testing.T) {
	lines, stderr, stop, _ := startedN(t, 4, "-addr", "127.0.0.1:0",
		"-faults", "503=1,reset=0", "-seed", "7", "-latency", "1ms", "-rate-limit", "50")
	if want := "faults: 503=1 reset=0 seed=7 latency=1ms rate-limit=50/s"; lines[3] != want {
		t.Errorf("fault line = %q, want %q", lines[3], want)
	}
	base := strings.TrimPrefix(lines[0], "emulator listening on ")

	resp, err := http.Get(base + "/jurichat/webhooks/events")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !bytes.Contains(body, []byte(`"statusCode":503`)) {
		t.Errorf("vendor request: HTTP %d %s", resp.StatusCode, body)
	}
	resp, err = http.Get(base + "/_emulator/state")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"faults":{"503":1,"rate-limit":0,"reset":0}`)) {
		t.Errorf("state: HTTP %d %s", resp.StatusCode, body)
	}
	if err := stop(); err != nil {
		t.Errorf("run = %v", err)
	}
	if !strings.Contains(stderr.String(), " GET /jurichat/webhooks/events 503 ") {
		t.Errorf("stderr = %q", stderr.String())
	}
}

func TestRunFaultLineOnlyWhenSet(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"-seed", "9"}, ""}, // a seed alone injects nothing
		{[]string{"-faults", ""}, ""},
		{[]string{"-latency", "0s", "-rate-limit", "0"}, ""},
		{[]string{"-latency", "20ms"}, "faults: latency=20ms\n"},
		{[]string{"-answer-latency", "2s"}, "faults: answer-latency=2s\n"},
		{[]string{"-rate-limit", "0.5"}, "faults: rate-limit=0.5/s\n"},
		{[]string{"-faults", "commit-reset=0.02,500=0.05"}, "faults: 500=0.05 commit-reset=0.02 seed=1\n"},
	} {
		_, _, stop, rest := startedN(t, 3, append([]string{"-addr", "127.0.0.1:0", "-quiet"}, tc.args...)...)
		if err := stop(); err != nil {
			t.Errorf("%q: run = %v", tc.args, err)
		}
		if got := rest(); got != tc.want {
			t.Errorf("%q: printed after the base URLs %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestRunProjectKeys(t *testing.T) {
	lines, stderr, stop, _ := startedN(t, 4, "-addr", "127.0.0.1:0",
		"-jelou-project-key", "support=key-support", "-jelou-project-key", "sales=key-sales")
	if want := "jelou projects with their own key: sales, support"; lines[3] != want {
		t.Errorf("project line = %q, want %q", lines[3], want)
	}
	base := strings.TrimPrefix(lines[0], "emulator listening on ")
	status := func(project, key string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", base+"/jelou/v1/external-support/"+project, nil)
		req.Header.Set("x-api-key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		project, key string
		want         int
	}{
		{"sales", "key-sales", http.StatusNotFound},
		{"support", "key-support", http.StatusNotFound},
		{"sales", "key-support", http.StatusUnauthorized},
		{"support", "emulator-jelou-key", http.StatusUnauthorized},
		{"other", "emulator-jelou-key", http.StatusNotFound},
	} {
		if got := status(tc.project, tc.key); got != tc.want {
			t.Errorf("GET project %s with the key of %s: HTTP %d, want %d", tc.project, tc.key, got, tc.want)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("run = %v", err)
	}
	if strings.Contains(stderr.String(), "key-sales") || strings.Contains(stderr.String(), "key-support") {
		t.Error("stderr shows a project key")
	}
}

// -script fails the next requests to a route as given, and says so.
func TestRunScript(t *testing.T) {
	lines, _, stop, _ := startedN(t, 5, "-addr", "127.0.0.1:0", "-quiet",
		"-script", "jelou.integration.get=503*2", "-script", "jelou.integration.get=429")
	defer func() { _ = stop() }()
	if len(lines) != 5 || lines[3] != "scripted: jelou.integration.get=503*2" || lines[4] != "scripted: jelou.integration.get=429" {
		t.Fatalf("output %q", lines)
	}
	base := strings.TrimPrefix(lines[1], "jelou base_url: ")
	for _, want := range []int{503, 503, 429, 404} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/v1/external-support/p1", nil)
		req.Header.Set("x-api-key", "emulator-jelou-key")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("status %d, want %d", resp.StatusCode, want)
		}
	}
}

// -version prints the version the release set with -ldflags, and serves nothing.
func TestVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"-version"}, &stdout, &stderr); err != nil {
		t.Fatalf("run -version: %v\n%s", err, stderr.String())
	}
	if got, want := stdout.String(), "externalsupport-emulator dev\n"; got != want {
		t.Errorf("-version printed %q, want %q", got, want)
	}
}
