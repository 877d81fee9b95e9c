package emulator

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/sha256"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault kinds besides HTTP statuses, and the counter of rate-limited answers.
const (
	// FaultReset drops the connection without a response, before acting.
	FaultReset = "reset"
	// FaultCommitReset acts (the change is stored), then drops the connection
	// without sending the response.
	FaultCommitReset = "commit-reset"
	// FaultRateLimited is the key under which FaultCounts and /_emulator/state
	// count the 429 answers of Options.RateLimit. It is not a kind FaultSpec
	// accepts: injected 429s are counted under "429".
	FaultRateLimited = "rate-limit"
)

// FaultSpec maps a fault kind to the probability, per vendor-API request, that
// the emulator injects it. Options.Faults holds one in its String form, which
// keeps Options comparable and free of shared maps. Kinds are FaultReset, FaultCommitReset, or an HTTP
// status from 400 to 599 written in decimal ("500", "503", "429"): the emulator
// answers with that status, in the vendor's error format, before acting (a 429
// carries Retry-After: 1). At most one fault is injected per request, so the
// probabilities must add up to at most 1.
type FaultSpec map[string]float64

// ParseFaults parses the -faults syntax: comma-separated kind=probability
// pairs, e.g. "500=0.05,503=0.05,429=0.05,reset=0.02,commit-reset=0.02".
// An empty (or blank) string means no faults.
func ParseFaults(s string) (FaultSpec, error) {
	spec := FaultSpec{}
	if strings.TrimSpace(s) == "" {
		return spec, nil
	}
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("faults %q: empty entry; want kind=probability pairs separated by commas", s)
		}
		kind, prob, ok := strings.Cut(item, "=")
		kind, prob = strings.TrimSpace(kind), strings.TrimSpace(prob)
		if !ok || kind == "" || prob == "" {
			return nil, fmt.Errorf("fault %q: want kind=probability, e.g. 503=0.05", item)
		}
		if err := checkFaultKind(kind); err != nil {
			return nil, err
		}
		if _, dup := spec[kind]; dup {
			return nil, fmt.Errorf("fault kind %q is given twice", kind)
		}
		p, err := strconv.ParseFloat(prob, 64)
		if err != nil {
			return nil, fmt.Errorf("fault %s: probability %q is not a number", kind, prob)
		}
		spec[kind] = p
	}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	return spec, nil
}

// Validate reports an unknown kind, a probability outside [0, 1], or
// probabilities that add up to more than 1.
func (s FaultSpec) Validate() error {
	sum := 0.0
	for _, f := range s.sorted() {
		if err := checkFaultKind(f.kind); err != nil {
			return err
		}
		if !(f.p >= 0 && f.p <= 1) { // also rejects NaN
			return fmt.Errorf("fault %s: probability %v is not between 0 and 1", f.kind, f.p)
		}
		sum += f.p
	}
	// A little slack: 0.1+0.2+0.7 is 1.0000000000000002 in floating point.
	if sum > 1+1e-9 {
		return fmt.Errorf("fault probabilities add up to %v, more than 1 (at most one fault is injected per request)", sum)
	}
	return nil
}

// String returns the spec in the -faults syntax, kinds in draw order: statuses
// in ascending order, then reset, then commit-reset.
func (s FaultSpec) String() string {
	parts := make([]string, 0, len(s))
	for _, f := range s.sorted() {
		parts = append(parts, f.kind+"="+strconv.FormatFloat(f.p, 'g', -1, 64))
	}
	return strings.Join(parts, ",")
}

func checkFaultKind(kind string) error {
	switch kind {
	case FaultReset, FaultCommitReset:
		return nil
	case FaultRateLimited:
		return fmt.Errorf("unknown fault kind %q: rate limiting is set with a rate (Options.RateLimit, -rate-limit), not a probability", kind)
	}
	if n, err := strconv.Atoi(kind); err == nil && n >= 400 && n <= 599 && strconv.Itoa(n) == kind {
		return nil
	}
	return fmt.Errorf("unknown fault kind %q: want an HTTP status from 400 to 599 (e.g. 500, 503, 429), %s or %s",
		kind, FaultReset, FaultCommitReset)
}

type weightedFault struct {
	kind string
	p    float64
}

// sorted returns the faults in draw order: statuses ascending, reset, commit-reset.
func (s FaultSpec) sorted() []weightedFault {
	out := make([]weightedFault, 0, len(s))
	for k, p := range s {
		out = append(out, weightedFault{k, p})
	}
	rank := func(kind string) int {
		switch kind {
		case FaultReset:
			return 1000
		case FaultCommitReset:
			return 1001
		}
		if n, err := strconv.Atoi(kind); err == nil {
			return n
		}
		return 2000 // invalid; Validate reports it
	}
	slices.SortFunc(out, func(a, b weightedFault) int {
		return cmp.Or(cmp.Compare(rank(a.kind), rank(b.kind)), strings.Compare(a.kind, b.kind))
	})
	return out
}

func validateFaultOptions(o Options) error {
	if _, err := ParseFaults(o.Faults); err != nil {
		return err
	}
	if o.Latency < 0 {
		return fmt.Errorf("invalid latency %s: must not be negative", o.Latency)
	}
	if o.AnswerLatency < 0 {
		return fmt.Errorf("invalid answer latency %s: must not be negative", o.AnswerLatency)
	}
	if !(o.RateLimit >= 0) || math.IsInf(o.RateLimit, 1) {
		return fmt.Errorf("invalid rate limit %v: want requests per second, at least 0 (0: unlimited)", o.RateLimit)
	}
	return nil
}

// pcgStream is the second PCG seed word; Options.Seed is the first.
const pcgStream = 0x5eed_e3a1_a7e5_0001

// setupFaults prepares the draw table, the seeded source and the rate limiter
// of options that Validate accepted.
func (e *Emulator) setupFaults() {
	e.faultSpec, _ = ParseFaults(e.opts.Faults)
	var cum float64
	for _, f := range e.faultSpec.sorted() {
		cum += f.p
		e.faultTable = append(e.faultTable, cumulativeFault{kind: f.kind, upTo: cum})
	}
	e.rng = rand.New(rand.NewPCG(uint64(e.opts.Seed), pcgStream))
	if e.opts.RateLimit > 0 {
		e.limiter = newRateLimiter(e.opts.RateLimit)
	}
}

type cumulativeFault struct {
	kind string
	upTo float64 // the sum of the probabilities of this kind and those before it
}

// drawFaultLocked draws the fault of one vendor request ("" for none): one
// number from the seeded source, so that, for a given seed, the n-th recorded
// request always gets the n-th draw. e.mu must be held.
func (e *Emulator) drawFaultLocked() string {
	if len(e.faultTable) == 0 {
		return ""
	}
	x := e.rng.Float64()
	for _, f := range e.faultTable {
		if x < f.upTo {
			return f.kind
		}
	}
	return ""
}

// resetFaultCountsLocked sets a zero count for every configured kind.
func (e *Emulator) resetFaultCountsLocked() {
	e.faultCounts = make(map[string]int, len(e.faultSpec)+1)
	for kind := range e.faultSpec {
		e.faultCounts[kind] = 0
	}
	if e.opts.RateLimit > 0 {
		e.faultCounts[FaultRateLimited] = 0
	}
	e.rateLimited = map[string]int{}
}

func (e *Emulator) countFault(kind string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faultCounts[kind]++
}

// RateLimitedCounts returns vendor ("jelou", "jurichat") -> the 429 answers
// of Options.RateLimit to that vendor's requests, since the counts were last
// reset (their sum is FaultCounts()[FaultRateLimited]).
func (e *Emulator) RateLimitedCounts() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(e.rateLimited)
}

// FaultCounts returns kind -> number of faults injected so far, the same
// document as "faults" in /_emulator/state: a key for every configured kind
// (zero included) and FaultRateLimited for the answers of Options.RateLimit.
func (e *Emulator) FaultCounts() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]int, len(e.faultCounts))
	for k, n := range e.faultCounts {
		out[k] = n
	}
	return out
}

// injectFaults is the fault middleware of the vendor routes: latency, then
// the rate limit, then the fault record chose for the request (scripted or
// drawn), served by serveFault.
func (e *Emulator) injectFaults(v vendor) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if d := e.opts.Latency; d > 0 {
				t := time.NewTimer(d)
				select {
				case <-t.C:
				case <-r.Context().Done():
					t.Stop()
					return // the client has gone: act on nothing
				}
			}
			if e.limiter != nil {
				if wait, ok := e.limiter.take(credentialKey(v, r), e.now()); !ok {
					e.countFault(FaultRateLimited)
					e.mu.Lock()
					e.rateLimited[v.name]++
					e.mu.Unlock()
					w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
					v.fail(w, http.StatusTooManyRequests, fmt.Sprintf(
						"Too many requests: the limit is %s per second per credential",
						strconv.FormatFloat(e.opts.RateLimit, 'g', -1, 64)))
					return
				}
			}
			f, _ := r.Context().Value(faultKey{}).(requestFault)
			if f.kind == "" {
				e.answerLate(w, r, next)
				return
			}
			if !f.scripted {
				e.countFault(f.kind)
			}
			serveFault(v, f.Fault, w, r, next)
		})
	}
}

// answerLate serves a request whose answer Options.AnswerLatency delays: a
// request that may change something (any method but GET and HEAD) is acted
// on at once (the change is stored), its answer is held for AnswerLatency,
// and only then sent. A client that gives up meanwhile gets nothing, so it
// cannot tell whether the server acted: the window a cancelled apply meets.
// Reads are answered at once, so that a client settling such a change is
// not slowed down.
func (e *Emulator) answerLate(w http.ResponseWriter, r *http.Request, next http.Handler) {
	d := e.opts.AnswerLatency
	if d <= 0 || r.Method == http.MethodGet || r.Method == http.MethodHead {
		next.ServeHTTP(w, r)
		return
	}
	held := &heldResponse{header: http.Header{}}
	next.ServeHTTP(held, r)
	t := time.NewTimer(d)
	select {
	case <-t.C:
	case <-r.Context().Done():
		t.Stop()
		return // the client has gone: the change stays, its answer is lost
	}
	for k, v := range held.header {
		w.Header()[k] = v
	}
	w.WriteHeader(cmp.Or(held.status, http.StatusOK))
	_, _ = w.Write(held.body.Bytes())
}

// heldResponse keeps a handler's answer for answerLate.
type heldResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (h *heldResponse) Header() http.Header { return h.header }
func (h *heldResponse) Write(b []byte) (int, error) {
	if h.status == 0 {
		h.status = http.StatusOK
	}
	return h.body.Write(b)
}

func (h *heldResponse) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

// retryAfterSeconds rounds wait (in seconds) up to whole seconds, at least 1.
func retryAfterSeconds(wait float64) int {
	s := math.Ceil(wait)
	if !(s >= 1) { // also NaN
		return 1
	}
	return int(min(s, math.MaxInt32))
}

// DropConnection closes the client's connection without writing a response:
// the reset of FaultReset and FaultCommitReset, exported for Custom faults.
// On TCP it sets SO_LINGER to 0, so the client sees a connection reset rather
// than an orderly close. Where the connection cannot be taken over (HTTP/2, a
// test recorder), it aborts the handler with http.ErrAbortHandler, which makes
// the server reset the stream or close the connection.
func DropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// discardResponse is the ResponseWriter of a commit-reset: the handler acts,
// and what it answers is never sent.
type discardResponse struct{ header http.Header }

func (d discardResponse) Header() http.Header         { return d.header }
func (d discardResponse) Write(b []byte) (int, error) { return len(b), nil }
func (d discardResponse) WriteHeader(int)             {}

// credentialKey identifies the credential a request presents, for the rate
// limit: a SHA-256 of the vendor and the credential, so that the limiter never
// keeps a credential itself. Requests without one share a bucket per vendor.
// Invalid credentials count too: the limit applies before authentication.
func credentialKey(v vendor, r *http.Request) [sha256.Size]byte {
	return sha256.Sum256([]byte(v.name + "\x00" + v.credential(r)))
}

// jelouCredential is the x-api-key, else the HTTP Basic user (client id), else
// any other Authorization header.
func jelouCredential(r *http.Request) string {
	if k := r.Header.Get("x-api-key"); k != "" {
		return "x-api-key\x00" + k
	}
	if id, _, ok := r.BasicAuth(); ok {
		return "basic\x00" + id
	}
	if a := r.Header.Get("Authorization"); a != "" {
		return "authorization\x00" + a
	}
	return ""
}

// jurichatCredential is the x-jurichat-api-key, else the Authorization header
// (the bearer token).
func jurichatCredential(r *http.Request) string {
	if k := r.Header.Get("x-jurichat-api-key"); k != "" {
		return "x-jurichat-api-key\x00" + k
	}
	if a := r.Header.Get("Authorization"); a != "" {
		return "authorization\x00" + a
	}
	return ""
}

// maxBuckets is the number of credentials above which idle (full) buckets are forgotten.
const maxBuckets = 4096

// rateLimiter is a token bucket per credential: rate tokens per second, up to
// burst tokens, one token per request.
type rateLimiter struct {
	rate, burst float64

	mu      sync.Mutex
	buckets map[[sha256.Size]byte]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time // when tokens was computed
}

func newRateLimiter(rate float64) *rateLimiter {
	return &rateLimiter{rate: rate, burst: max(1, rate), buckets: map[[sha256.Size]byte]*bucket{}}
}

// take spends a token of key's bucket at now. When there is none, it reports
// how many seconds until there is one.
func (l *rateLimiter) take(key [sha256.Size]byte, now time.Time) (float64, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.forgetIdleLocked(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	} else if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = min(l.burst, b.tokens+elapsed.Seconds()*l.rate)
		b.last = now
	}
	const epsilon = 1e-9 // floating-point slack: 0.1s at 10/s is one token
	if b.tokens >= 1-epsilon {
		b.tokens = max(0, b.tokens-1)
		return 0, true
	}
	return (1 - b.tokens) / l.rate, false
}

// forgetIdleLocked drops the buckets that have refilled: forgetting them
// changes nothing.
func (l *rateLimiter) forgetIdleLocked(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// Hijack lets DropConnection take over the connection through the request
// log's recorder, and marks the response as dropped for the log line.
func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(s.ResponseWriter).Hijack()
	if err == nil {
		s.hijacked = true
	}
	return conn, rw, err
}
