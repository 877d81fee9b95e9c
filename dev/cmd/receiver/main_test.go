package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/signature"
)

const (
	adminToken = "admin-token-5e6f7a8b"
	secret     = "webhook-secret-0a1b2c3d"
	credential = "panel-credential-9z8y"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// lockedBuffer collects output written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func noSecrets(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range []string{adminToken, secret, credential} {
		if strings.Contains(text, s) {
			t.Errorf("%s contains a secret:\n%s", what, text)
		}
	}
}

// startServe runs `receiver serve` with a pipe as stdin and returns its URL,
// a function closing stdin, and a channel with run's result.
func startServe(t *testing.T, ctx context.Context, out *lockedBuffer, extra ...string) (string, func(), <-chan error) {
	t.Helper()
	stdinR, stdinW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	args := append([]string{"serve", "-addr", "127.0.0.1:0", "-stop-on-stdin-eof"}, extra...)
	go func() {
		err := run(ctx, args, stdinR, outW, out, env(map[string]string{EnvAdminToken: adminToken}))
		_ = outW.Close()
		done <- err
	}()
	sc := bufio.NewScanner(outR)
	if !sc.Scan() {
		t.Fatalf("serve printed nothing; stderr: %s", out)
	}
	first := sc.Text()
	_, _ = out.Write([]byte(first + "\n"))
	go func() {
		for sc.Scan() {
			_, _ = out.Write([]byte(sc.Text() + "\n"))
		}
	}()
	url, ok := strings.CutPrefix(first, "listening on ")
	if !ok {
		t.Fatalf("first line = %q", first)
	}
	url, _, _ = strings.Cut(url, " ")
	return url, func() { _ = stdinW.Close() }, done
}

func TestServeConfigureDeliveries(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var serveOut lockedBuffer
	url, closeStdin, done := startServe(t, ctx, &serveOut)

	var out, errOut bytes.Buffer
	err := run(ctx, []string{"configure", "-url", url, "-vendor", "jelou", "-name", "panel", "-auth-type", "bearer"}, nil, &out, &errOut,
		env(map[string]string{EnvAdminToken: adminToken, EnvSecret: secret, EnvAuthorization: credential}))
	if err != nil {
		t.Fatalf("configure: %v; %s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "registered the signing secret and bearer credential for jelou/panel") {
		t.Errorf("configure printed %q", out.String())
	}

	body := []byte(`{"event_type":"message"}`)
	for _, sig := range []string{signature.Sign(secret, body), signature.Sign("other", body)} {
		req, _ := http.NewRequest(http.MethodPost, url+"/jelou/panel", bytes.NewReader(body))
		req.Header.Set("X-Jelou-Signature", sig)
		req.Header.Set("Authorization", "Bearer "+credential)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}

	out.Reset()
	if err := run(ctx, []string{"deliveries", "-url", url}, nil, &out, &errOut, env(nil)); err != nil {
		t.Fatalf("deliveries: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasSuffix(lines[0], "jelou/panel event=message: verified") ||
		!strings.Contains(lines[1], "REJECTED (HTTP 401): X-Jelou-Signature does not match the body") {
		t.Errorf("deliveries printed:\n%s", out.String())
	}

	closeStdin()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop when stdin closed")
	}
	time.Sleep(50 * time.Millisecond) // let the copier finish
	all := serveOut.String()
	for _, want := range []string{"registered the signing secret and the expected bearer credential for jelou/panel",
		"#1 jelou/panel event=message: verified", "#2 jelou/panel event=message: REJECTED", "stopped: standard input closed"} {
		if !strings.Contains(all, want) {
			t.Errorf("serve output lacks %q:\n%s", want, all)
		}
	}
	noSecrets(t, "serve output", all)
	noSecrets(t, "configure output", out.String()+errOut.String())
}

func TestServeStopsAtMaxLifetime(t *testing.T) {
	var out lockedBuffer
	_, _, done := startServe(t, context.Background(), &out, "-max-lifetime", "300ms")
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop at -max-lifetime")
	}
	time.Sleep(50 * time.Millisecond)
	if !strings.Contains(out.String(), "stopped: reached -max-lifetime 300ms") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestServeStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out lockedBuffer
	_, _, done := startServe(t, ctx, &out)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on cancel (signal)")
	}
	time.Sleep(50 * time.Millisecond)
	if !strings.Contains(out.String(), "stopped: signal received") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestUsageErrors(t *testing.T) {
	full := map[string]string{EnvAdminToken: adminToken, EnvSecret: secret, EnvAuthorization: credential}
	without := func(k string) map[string]string {
		m := map[string]string{}
		for kk, v := range full {
			if kk != k {
				m[kk] = v
			}
		}
		return m
	}
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no command", nil, full, "usage:"},
		{"unknown command", []string{"bogus"}, full, "unknown command"},
		{"serve without token", []string{"serve"}, nil, EnvAdminToken},
		{"serve on all interfaces", []string{"serve", "-addr", "0.0.0.0:0"}, full, "loopback"},
		{"serve zero lifetime", []string{"serve", "-max-lifetime", "0s"}, full, "-max-lifetime must be positive"},
		{"configure without secret", []string{"configure", "-vendor", "jurichat", "-name", "w"}, without(EnvSecret), EnvSecret},
		{"configure without token", []string{"configure", "-vendor", "jurichat", "-name", "w"}, without(EnvAdminToken), EnvAdminToken},
		{"configure bad vendor", []string{"configure", "-vendor", "x", "-name", "w"}, full, "-vendor"},
		{"configure bad name", []string{"configure", "-vendor", "jelou", "-name", "a/b"}, full, "-name"},
		{"configure remote url", []string{"configure", "-vendor", "jelou", "-name", "p", "-url", "http://example.com"}, without(EnvAuthorization), "not loopback"},
		{"configure credential without type", []string{"configure", "-vendor", "jelou", "-name", "p"}, full, "needs authType"},
		{"configure secret as argument", []string{"configure", "-vendor", "jelou", "-name", "p", secret}, full, "unexpected arguments"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, strings.NewReader(""), &out, &errOut, env(tc.env))
			if !errors.Is(err, errUsage) {
				t.Fatalf("err = %v, want errUsage", err)
			}
			if !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, errOut.String())
			}
			noSecrets(t, "output", out.String()+errOut.String())
		})
	}
}
