package acctest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport/transporttest"
)

// Drop is a fault a DropProxy injects into a create.
type Drop string

// Faults a DropProxy injects into creates, one per create in order.
const (
	Drop503         Drop = "503"          // answer 503 (Retry-After: 0) without forwarding
	DropCommitReset Drop = "commit-reset" // forward, let the emulator store it, then reset the connection without answering
	DropReset       Drop = "reset"        // reset the connection without forwarding
	DropSlow        Drop = "slow"         // forward only after 3 seconds (unless the client gave up before)
)

// DropProxyOptions describe the API behind a DropProxy.
type DropProxyOptions struct {
	// IsCreate tells the creates, which the proxy breaks, from the requests
	// it always lets through.
	IsCreate func(*http.Request) bool
	// UnavailableBody is the body of the 503 answer of Drop503, in the API's
	// error format.
	UnavailableBody string
}

// DropProxy serves an upstream server (the emulator) through a proxy that
// breaks the next creates as scripted, the way networks and gateways do,
// and counts the creates it saw.
type DropProxy struct {
	*httptest.Server
	mu      sync.Mutex
	faults  []Drop
	creates int
}

// NewDropProxy starts a DropProxy in front of the server at upstream (a base
// URL), and closes it when the test ends.
func NewDropProxy(t *testing.T, upstream string, opts DropProxyOptions, faults ...Drop) *DropProxy {
	t.Helper()
	up, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	p := &DropProxy{faults: faults}
	rp := httputil.NewSingleHostReverseProxy(up)
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !opts.IsCreate(r) {
			rp.ServeHTTP(w, r)
			return
		}
		p.mu.Lock()
		p.creates++
		var fault Drop
		if len(p.faults) > 0 {
			fault, p.faults = p.faults[0], p.faults[1:]
		}
		p.mu.Unlock()
		switch fault {
		case Drop503:
			w.Header().Set("Retry-After", "0")
			http.Error(w, opts.UnavailableBody, http.StatusServiceUnavailable)
		case DropReset:
			transporttest.ResetConnection(w)
		case DropCommitReset:
			forwardThenReset(w, r, up)
		case DropSlow:
			// Reading the body first lets the server notice the client
			// hanging up (it watches the connection once the body is read).
			body, _ := io.ReadAll(r.Body)
			select {
			case <-r.Context().Done():
				return // the client gave up: nothing is forwarded
			case <-time.After(3 * time.Second):
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			rp.ServeHTTP(w, r)
		default:
			rp.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(p.Close)
	return p
}

// CreateCount returns how many creates the proxy saw.
func (p *DropProxy) CreateCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.creates
}

// forwardThenReset sends r to upstream, discards the answer and resets the
// client's connection instead of answering: the server acted, the client
// never learns what it said.
func forwardThenReset(w http.ResponseWriter, r *http.Request, upstream *url.URL) {
	body, _ := io.ReadAll(r.Body)
	u := *upstream
	u.Path, u.RawQuery = r.URL.Path, r.URL.RawQuery
	req, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, "upstream failed", http.StatusBadGateway)
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	transporttest.ResetConnection(w)
}
