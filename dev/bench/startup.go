package bench

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

// pluginCookie is Terraform's go-plugin magic cookie: a provider started
// without it explains it is a plugin and exits.
const pluginCookie = "TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"

// StartupResult is the startup suite: how long a provider process takes
// from its start until it serves (the go-plugin handshake line on its
// standard output, which Terraform waits for), and how much memory it holds then.
type StartupResult struct {
	Runs        int
	Providers   []ProviderStartup
	CLIVersion  Stat[time.Duration] // `terraform version`: a Go CLI's start and exit, for comparison
	CLIName     string              // "terraform" or "tofu"
	BinaryBytes int64               // size of the provider executable
	Init        InitTrace           // package initialisation, from GODEBUG=inittrace=1
}

// ProviderStartup is one provider's start-up.
type ProviderStartup struct {
	Name      string
	Handshake Stat[time.Duration] // process start until the handshake line
	// WithoutTLS is the same without the client certificate: what the
	// provider takes to start, without go-plugin making its TLS key.
	WithoutTLS Stat[time.Duration]
	RSS        Stat[int64] // resident memory at the handshake, bytes
}

// InitTrace sums what the Go runtime reports of package initialisation
// before main runs: everything the binary loads at start whatever the
// operation.
type InitTrace struct {
	Packages int
	Clock    time.Duration // sum of the packages' init wall times
	Bytes    int64         // heap allocated by inits
	Done     time.Duration // when the last init finished, since the runtime started
	Top      []PackageInit // the costliest, by clock
	// Own is the share of this module's packages (tfrun.ModulePath).
	OwnPackages int
	OwnClock    time.Duration
	OwnBytes    int64
}

// PackageInit is one line of GODEBUG=inittrace=1.
type PackageInit struct {
	Package string
	At      time.Duration // since the runtime started
	Clock   time.Duration
	Bytes   int64
	Allocs  int64
}

var initLine = regexp.MustCompile(`^init (\S+) @([0-9.]+) ms, ([0-9.]+) ms clock, ([0-9]+) bytes, ([0-9]+) allocs$`)

// ParseInitTrace reads GODEBUG=inittrace=1 output (other lines are ignored)
// and keeps the top costliest packages by clock.
func ParseInitTrace(text string, top int) InitTrace {
	var t InitTrace
	var all []PackageInit
	ms := func(s string) time.Duration {
		f, _ := strconv.ParseFloat(s, 64)
		return time.Duration(f * float64(time.Millisecond))
	}
	for line := range strings.SplitSeq(text, "\n") {
		m := initLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		p := PackageInit{Package: m[1], At: ms(m[2]), Clock: ms(m[3])}
		p.Bytes, _ = strconv.ParseInt(m[4], 10, 64)
		p.Allocs, _ = strconv.ParseInt(m[5], 10, 64)
		all = append(all, p)
		t.Packages++
		t.Clock += p.Clock
		t.Bytes += p.Bytes
		t.Done = max(t.Done, p.At+p.Clock)
		if strings.HasPrefix(p.Package, tfrun.ModulePath+"/") || p.Package == tfrun.ModulePath {
			t.OwnPackages++
			t.OwnClock += p.Clock
			t.OwnBytes += p.Bytes
		}
	}
	slices.SortStableFunc(all, func(a, b PackageInit) int { return int(b.Clock - a.Clock) })
	t.Top = all[:min(top, len(all))]
	return t
}

func (r *runner) startup(ctx context.Context) (*StartupResult, error) {
	res := &StartupResult{Runs: r.cfg.StartupRuns}
	sockets := filepath.Join(r.tmp, "sockets")
	if err := os.MkdirAll(sockets, 0o700); err != nil {
		return nil, err
	}
	// Terraform asks for automatic mutual TLS: it passes a client
	// certificate, and the plugin makes its own key and certificate before
	// the handshake, which is part of every provider start.
	clientCert, err := clientCertificate()
	if err != nil {
		return nil, err
	}
	plain := append(tfrun.InheritedEnv(os.Environ()), pluginCookie,
		"PLUGIN_PROTOCOL_VERSIONS=6", "PLUGIN_MIN_PORT=10000", "PLUGIN_MAX_PORT=25000",
		// go-plugin serves on a Unix socket there; a killed plugin leaves it behind.
		"PLUGIN_UNIX_SOCKET_DIR="+sockets)
	env := append(slices.Clone(plain), "PLUGIN_CLIENT_CERT="+clientCert)
	for _, name := range tfrun.Providers {
		path := r.build.ProviderPath(name)
		if fi, err := os.Stat(path); err == nil {
			res.BinaryBytes = fi.Size()
		}
		var times, plainTimes []time.Duration
		var rss []int64
		for range r.cfg.StartupRuns {
			d, st, _, err := launchPlugin(ctx, path, env, true)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			times = append(times, d)
			rss = append(rss, st.RSS)
			if d, _, _, err = launchPlugin(ctx, path, plain, false); err != nil {
				return nil, fmt.Errorf("%s without mTLS: %w", name, err)
			}
			plainTimes = append(plainTimes, d)
		}
		res.Providers = append(res.Providers, ProviderStartup{Name: name, Handshake: Summarise(times),
			WithoutTLS: Summarise(plainTimes), RSS: Summarise(rss)})
	}
	_, _, trace, err := launchPlugin(ctx, r.build.ProviderPath(tfrun.Providers[0]), append(env, "GODEBUG=inittrace=1"), true)
	if err != nil {
		return nil, err
	}
	res.Init = ParseInitTrace(trace, 8)

	var versions []time.Duration
	for range r.cfg.StartupRuns {
		t0 := time.Now()
		if _, err := tfrun.Version(ctx, r.cfg.Terraform, r.tmp, r.env()); err != nil {
			return nil, err
		}
		versions = append(versions, time.Since(t0))
	}
	res.CLIVersion, res.CLIName = Summarise(versions), r.cliName
	for _, p := range res.Providers {
		r.logf("startup: %s serves after %s (median of %d), %s resident", p.Name, millis(p.Handshake.Median), res.Runs, mib(p.RSS.Median))
	}
	return res, nil
}

// clientCertificate is a certificate like the one go-plugin's client (in
// Terraform) makes for automatic mutual TLS, in PEM.
func clientCertificate() (string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	if err != nil {
		return "", err
	}
	template := &x509.Certificate{
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"HashiCorp"}},
		DNSNames:              []string{"localhost"},
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageKeyAgreement | x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		SerialNumber:          big.NewInt(1),
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, key.Public(), key)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), nil
}

// launchPlugin starts a provider as Terraform does and returns the time until
// its handshake line (carrying its certificate when withTLS), its memory
// then, and its standard error; then kills it.
func launchPlugin(ctx context.Context, path string, env []string, withTLS bool) (time.Duration, procStatus, string, error) {
	cmd := exec.CommandContext(ctx, path)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, procStatus{}, "", err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, procStatus{}, "", err
	}
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, stdout)
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(30 * time.Second):
	}
	d := time.Since(t0)
	var st procStatus
	if data, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/status"); err == nil {
		st, _ = parseStatus(data)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	// "CORE-PROTOCOL-VERSION|APP-PROTOCOL-VERSION|NETWORK-TYPE|NETWORK-ADDR|PROTOCOL|SERVER-CERT"
	if f := strings.Split(strings.TrimSpace(line), "|"); len(f) < 5 || f[1] != "6" || withTLS && (len(f) < 6 || f[5] == "") {
		return 0, st, stderr.String(), errors.New("no go-plugin handshake for protocol 6 on standard output: " +
			strconv.Quote(strings.TrimSpace(line)) + " " + strconv.Quote(tail(stderr.String(), 5)))
	}
	return d, st, stderr.String(), nil
}
