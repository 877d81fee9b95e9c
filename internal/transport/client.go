package transport

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/ratelimit"
)

// Defaults used by NewHTTPClient for zero-valued Options fields.
const (
	DefaultMaxRetries     = 4
	DefaultRetryWaitMin   = 1 * time.Second
	DefaultRetryWaitMax   = 60 * time.Second
	DefaultRequestTimeout = 60 * time.Second
	// DefaultThrottleBudget bounds the waiting on throttling of a request
	// whose context has no deadline (an operation without a timeouts block).
	DefaultThrottleBudget = 5 * time.Minute
	// LongThrottleWait is when an operation's waiting on throttling is first
	// reported as long (ThrottleEvent.Long), and then every
	// LongThrottleEvery more.
	LongThrottleWait  = 30 * time.Second
	LongThrottleEvery = time.Minute
)

// Options configures NewHTTPClient. The zero value gives the defaults.
type Options struct {
	// MaxRetries is the number of retries after the first attempt.
	// 0 means DefaultMaxRetries; a negative value disables retries.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the wait between attempts. A
	// server's Retry-After is honoured exactly; one longer than RetryWaitMax
	// ends the retries (the answer goes to the caller) rather than being
	// cut short. 0 means the default.
	RetryWaitMin, RetryWaitMax time.Duration
	// RequestTimeout bounds each attempt (connecting, sending, and reading
	// the whole response). 0 means DefaultRequestTimeout; negative disables it.
	RequestTimeout time.Duration
	// OnRetry, when set, is called just before each retry is sent. attempt is
	// 1 for the first retry; status is the previous attempt's HTTP status (0
	// when it failed without a response) and err its transport error. It is
	// the only report of retries: the client logs nothing. path is the
	// request's escaped URL path (including the base URL's own path, e.g.
	// "/platform/v1/external-support/p1") without query; no header or body
	// is ever passed.
	OnRetry func(ctx context.Context, method, path string, attempt int, status int, err error)
	// OnThrottle, when set, is called for each throttling answer the
	// request will wait out, before the wait. Like OnRetry it carries no
	// header or body.
	OnThrottle func(ctx context.Context, e ThrottleEvent)
	// ThrottleBudget bounds the waiting on throttling of a request whose
	// context has no deadline; 0 means DefaultThrottleBudget. With a
	// deadline, the deadline is the budget.
	ThrottleBudget time.Duration
	// Transport is the RoundTripper each attempt goes through; nil means a
	// pooled transport honouring the proxy environment variables. Tests use
	// it to inject failures.
	Transport http.RoundTripper
}

// NewHTTPClient returns an *http.Client that waits out throttling and
// retries errors.
//
// Throttling — a 429, or a 503 with Retry-After — means "not yet": the
// server did not act, so the request (any method) is sent again after
// Retry-After (seconds or an HTTP date) plus up to a quarter more of jitter,
// or without one after an exponential backoff with jitter between
// RetryWaitMin and RetryWaitMax, as many times as the budget allows: the
// context's deadline (a resource's timeouts), else ThrottleBudget from the
// request's start. It does not count against MaxRetries. When the next wait
// would end past the budget, the throttling answer goes to the caller, and
// Requester.Do reports the waiting in APIError.Throttling.
//
// Errors — 502, 504, a 503 without Retry-After (and 500 for idempotent
// requests), connection failures — are retried at most MaxRetries times,
// with exponential backoff and jitter between RetryWaitMin and RetryWaitMax
// (honouring a Retry-After up to RetryWaitMax; a longer one ends the
// retries).
//
// Every attempt takes its turn from the credential's shared pace (see
// internal/ratelimit) when Requester.Do passed one in the context, and
// reports its answer to it. The request context cancels an attempt or a
// wait at once.
//
// Requests that are not idempotent (POST, PATCH, and any method other than
// GET, HEAD, OPTIONS, TRACE, PUT and DELETE) are never resent once they may
// have reached the server: they are retried only after a 429 or 503 answer
// (the server did not act on them) or when the connection failed before any
// byte was written (no connection obtained, e.g. connection refused). When
// such a request fails after its connection was obtained (reset, EOF,
// timeout, cancellation), the error wraps ErrOutcomeUnknown. A request
// carrying an Idempotency-Key header counts as idempotent.
//
// When retries run out, the last response is returned as is (so callers see
// the real status and body), or the last error wrapped with the attempt count.
func NewHTTPClient(o Options) *http.Client {
	o = o.withDefaults()

	rc := retryablehttp.NewClient()
	rc.Logger = nil             // retryablehttp logs to stderr by default; report only through OnRetry
	rc.RetryMax = math.MaxInt32 // checkRetry bounds the retries itself (MaxRetries, the throttle budget)
	rc.RetryWaitMin = o.RetryWaitMin
	rc.RetryWaitMax = o.RetryWaitMax
	if o.Transport != nil {
		rc.HTTPClient = &http.Client{Transport: o.Transport}
	}
	rc.HTTPClient.Timeout = o.RequestTimeout
	rc.CheckRetry = func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		return checkRetry(ctx, resp, err, o)
	}
	// checkRetry plans each wait (throttling, backoff); PrepareRetry sleeps
	// it, then waits for the pace's turn, on the request's context: outside
	// the attempt's RequestTimeout, and timed by the pace's rate when the
	// attempt is due, not when it was planned. (The transport stays
	// net/http's own, so that a RequestTimeout still reads as a timeout.)
	rc.Backoff = func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 }
	rc.ErrorHandler = giveUp
	rc.PrepareRetry = func(req *http.Request) error {
		st := stateFrom(req.Context())
		if st == nil {
			return nil
		}
		if wait := st.plannedWait(); wait > 0 {
			timer := time.NewTimer(wait)
			select {
			case <-req.Context().Done():
				timer.Stop()
				return req.Context().Err()
			case <-timer.C:
			}
		}
		return st.takeTurn(req.Context())
	}
	rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, i int) {
		st := stateFrom(req.Context())
		if st == nil {
			return
		}
		a := st.beginAttempt()
		if i > 0 && !a.throttled && o.OnRetry != nil {
			o.OnRetry(req.Context(), st.method, st.path, i, a.status, a.err)
		}
	}
	return &http.Client{Transport: &roundTripper{rc: rc, budget: o.ThrottleBudget}}
}

func (o Options) withDefaults() Options {
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = DefaultMaxRetries
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	if o.RetryWaitMin <= 0 {
		o.RetryWaitMin = DefaultRetryWaitMin
	}
	if o.RetryWaitMax <= 0 {
		o.RetryWaitMax = DefaultRetryWaitMax
	}
	if o.RetryWaitMax < o.RetryWaitMin {
		o.RetryWaitMax = o.RetryWaitMin
	}
	switch {
	case o.RequestTimeout == 0:
		o.RequestTimeout = DefaultRequestTimeout
	case o.RequestTimeout < 0:
		o.RequestTimeout = 0
	}
	if o.ThrottleBudget <= 0 {
		o.ThrottleBudget = DefaultThrottleBudget
	}
	return o
}

// roundTripper runs each request through the retrying client, with a
// per-request state in the context that the retry policy reads.
type roundTripper struct {
	rc     *retryablehttp.Client
	budget time.Duration // Options.ThrottleBudget
}

func (t *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	st := &requestState{
		method:     req.Method,
		path:       req.URL.EscapedPath(),
		idempotent: isIdempotent(req),
		pace:       paceFrom(req.Context()),
		tally:      ThrottlingFrom(req.Context()),
		budgetEnd:  start.Add(t.budget),
	}
	if d, ok := req.Context().Deadline(); ok {
		st.budgetEnd = d
	}
	if st.tally == nil {
		st.tally = &Throttling{}
	}
	// The first attempt's turn; the retries' come in PrepareRetry.
	if err := st.takeTurn(req.Context()); err != nil {
		return nil, err
	}
	ctx := context.WithValue(req.Context(), stateKey{}, st)
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { st.markConnected() },
	})
	rreq, err := retryablehttp.FromRequest(req.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	if req.Body != nil {
		// FromRequest has read the body into memory; a RoundTripper closes it.
		_ = req.Body.Close()
	}
	resp, err := t.rc.Do(rreq)
	if err != nil && st.outcomeUnknown() {
		err = markOutcomeUnknown(err)
	}
	return resp, err
}

// CloseIdleConnections lets (*http.Client).CloseIdleConnections reach the pool.
func (t *roundTripper) CloseIdleConnections() {
	t.rc.HTTPClient.CloseIdleConnections()
}

type stateKey struct{}

// requestState follows one logical request across its attempts.
type requestState struct {
	method, path string
	idempotent   bool

	mu         sync.Mutex
	connected  bool  // this attempt obtained a connection, so bytes may have been written
	unknown    bool  // this attempt of a non-idempotent request may have been acted on
	lastStatus int   // previous attempt's status, for OnRetry
	lastErr    error // previous attempt's error, for OnRetry

	pace         *ratelimit.Pace // nil: not paced
	tally        *Throttling     // the operation's waiting on throttling
	budgetEnd    time.Time       // no throttling wait ends after it
	errorRetries int             // retries after errors, bounded by MaxRetries
	throttles    int             // throttling answers to this request
	nextWait     time.Duration   // the wait checkRetry planned, for backoff
	throttled    bool            // the previous attempt was throttled
	attemptAt    time.Time       // when this attempt got its turn
}

// sentAt is when the attempt got its turn, for the pace.
func (s *requestState) sentAt() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attemptAt
}

func stateFrom(ctx context.Context) *requestState {
	st, _ := ctx.Value(stateKey{}).(*requestState)
	return st
}

func (s *requestState) markConnected() {
	s.mu.Lock()
	s.connected = true
	s.mu.Unlock()
}

// attemptStart is what beginAttempt returns: the previous attempt's outcome,
// whether it was throttled (its wait then counts as waited on throttling),
// and the wait planned before this attempt.
type attemptStart struct {
	status    int
	err       error
	throttled bool
	wait      time.Duration
}

// beginAttempt resets the per-attempt flags (see attemptStart).
func (s *requestState) beginAttempt() attemptStart {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.connected, s.unknown = false, false
	throttled, wait := s.throttled, s.nextWait
	if throttled {
		s.tally.addWait(wait)
	}
	s.throttled, s.nextWait = false, 0
	return attemptStart{status: s.lastStatus, err: s.lastErr, throttled: throttled, wait: wait}
}

// planWait plans the wait before the next attempt (the pace's turn comes
// after it, see takeTurn). ok is false when a throttling wait would end
// past the budget, or the pace's turn after it would, at the rate in force:
// the caller then gets the answer at hand, with the server's own status.
func (s *requestState) planWait(wait time.Duration, throttle bool) (time.Duration, bool) {
	due := time.Now().Add(wait)
	if throttle && due.After(s.budgetEnd) {
		return 0, false
	}
	if s.pace != nil && s.pace.Expect(due).After(s.budgetEnd) {
		return 0, false
	}
	s.mu.Lock()
	s.nextWait, s.throttled = wait, throttle
	s.mu.Unlock()
	return wait, true
}

// takeTurn waits for the attempt's turn under the pace, within the budget;
// the time counts as waited on throttling (the pace only slows after
// throttling answers). Without a turn the attempt is not sent: a
// *noTurnError, or the context's error when it ended first.
func (s *requestState) takeTurn(ctx context.Context) error {
	if s.pace == nil {
		return nil
	}
	tctx, cancel := context.WithDeadline(ctx, s.budgetEnd)
	defer cancel()
	start := time.Now()
	wait := s.pace.Wait
	if s.method == http.MethodGet || s.method == http.MethodHead {
		wait = s.pace.WaitRead
	}
	err := wait(tctx)
	if waited := time.Since(start); waited > time.Millisecond {
		s.tally.addWait(waited)
	}
	s.mu.Lock()
	s.attemptAt = time.Now()
	s.mu.Unlock()
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	default: // ErrNoTime, or the budget's deadline passed while waiting
		s.tally.spend()
		return &noTurnError{tally: s.tally}
	}
}

// plannedWait is the wait checkRetry planned before the next attempt.
func (s *requestState) plannedWait() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextWait
}

func (s *requestState) setUnknown(v bool) {
	s.mu.Lock()
	s.unknown = v
	s.mu.Unlock()
}

// outcomeUnknown reports whether the last attempt failed in a way that
// leaves unknown whether the server acted on it.
func (s *requestState) outcomeUnknown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.unknown
}

func (s *requestState) record(status int, err error) {
	s.mu.Lock()
	s.lastStatus, s.lastErr = status, err
	s.mu.Unlock()
}

func (s *requestState) mayHaveBeenSent(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connected
}

func isIdempotent(req *http.Request) bool {
	return idempotentMethod(req.Method) || req.Header.Get("Idempotency-Key") != "" || req.Header.Get("X-Idempotency-Key") != ""
}

// idempotentMethod reports whether repeating a request with this method has
// the same effect as sending it once (RFC 9110, section 9.2.2).
func idempotentMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// checkRetry is the retry policy (see NewHTTPClient). It also records, for
// a request that is not idempotent, whether a failed attempt may have been
// acted on (RoundTrip then marks the error with ErrOutcomeUnknown), and
// reports each answer to the pace.
func checkRetry(ctx context.Context, resp *http.Response, err error, o Options) (bool, error) {
	st := stateFrom(ctx)
	if st == nil { // not from our RoundTripper: be conservative
		st = &requestState{connected: true, tally: &Throttling{}}
	}
	if err != nil {
		sent := st.mayHaveBeenSent(err)
		st.setUnknown(!st.idempotent && sent)
		if ctx.Err() != nil {
			return false, nil //nolint:nilerr // CheckRetry contract: a nil error makes retryablehttp return the request's own error
		}
		// The library's policy refuses errors no retry can fix: bad scheme,
		// invalid header, too many redirects, untrusted certificate. A host
		// name that does not resolve is one too: it is the base URL to fix.
		if ok, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err); !ok {
			return false, nil
		}
		if dnsErr := (*net.DNSError)(nil); errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return false, nil
		}
		if !st.idempotent && sent {
			return false, nil
		}
		return st.retryError(0, unwrapURLError(err), errorBackoff(o, st.errorRetries, nil), o.MaxRetries), nil
	}
	st.setUnknown(false) // an answer: the caller reads its status
	retryAfter, hasRetryAfter := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	throttled := resp.StatusCode == http.StatusTooManyRequests ||
		(resp.StatusCode == http.StatusServiceUnavailable && hasRetryAfter)
	// The pace learns from the answers that speak of the rate: a 429 cuts
	// it; an answer below 500 (the server handled the request) lets it
	// climb; a server error says nothing about the rate.
	if st.pace != nil {
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			st.pace.Throttled(st.sentAt())
		case resp.StatusCode < 500:
			st.pace.Succeeded()
		}
	}
	switch {
	case throttled:
		// "Not yet": the server did not act on the request, so it is safe
		// for every method, and it is waited out within the budget.
	case resp.StatusCode == http.StatusServiceUnavailable:
	case resp.StatusCode == http.StatusInternalServerError, resp.StatusCode == http.StatusBadGateway,
		resp.StatusCode == http.StatusGatewayTimeout:
		// The server (or a proxy it forwarded to) may have acted before
		// failing: only a request that is safe to repeat is sent again.
		if !st.idempotent {
			return false, nil
		}
	default:
		return false, nil
	}
	if ctx.Err() != nil {
		return false, nil //nolint:nilerr // cancelled: hand the response already received to the caller rather than retry
	}
	if !throttled {
		if hasRetryAfter && retryAfter > o.RetryWaitMax {
			// Retrying sooner than the server asked is futile, and waiting
			// longer than configured is not what the user wants: hand the
			// answer to the caller.
			return false, nil
		}
		return st.retryError(resp.StatusCode, nil, errorBackoff(o, st.errorRetries, resp), o.MaxRetries), nil
	}

	st.mu.Lock()
	st.throttles++
	n := st.throttles
	st.mu.Unlock()
	st.tally.addAnswer()
	wait := throttleWait(o, n, retryAfter, hasRetryAfter)
	planned, ok := st.planWait(wait, true)
	if !ok {
		st.tally.spend()
		return false, nil
	}
	st.record(resp.StatusCode, nil)
	if o.OnThrottle != nil {
		e := st.tally.event(planned)
		e.Method, e.Path, e.Status = st.method, st.path, resp.StatusCode
		if st.pace != nil {
			e.Rate = st.pace.Stats().Rate
		}
		o.OnThrottle(ctx, e)
	}
	return true, nil
}

// retryError decides a retry after an error (status, or err without an
// answer): within MaxRetries, and with the pace's turn within the budget.
func (s *requestState) retryError(status int, err error, wait time.Duration, maxRetries int) bool {
	s.mu.Lock()
	if s.errorRetries >= maxRetries {
		s.mu.Unlock()
		return false
	}
	s.errorRetries++
	s.mu.Unlock()
	if _, ok := s.planWait(wait, false); !ok {
		return false
	}
	s.record(status, err)
	return true
}

// errorBackoff is the wait before retry number n+1 after an error: the
// server's Retry-After when it sent one (checkRetry has made sure it is
// within RetryWaitMax), else exponential with jitter (see backoff).
func errorBackoff(o Options, n int, resp *http.Response) time.Duration {
	return backoff(o.RetryWaitMin, o.RetryWaitMax, n, resp)
}

// throttleWait is the wait after the n-th throttling answer to a request:
// Retry-After plus a random quarter of it at most (at least 100ms of spread),
// so that the callers the server turned away at once do not come back at
// once; without Retry-After, exponential with jitter from RetryWaitMin.
func throttleWait(o Options, n int, retryAfter time.Duration, has bool) time.Duration {
	if has {
		spread := max(retryAfter/4, 100*time.Millisecond)
		return retryAfter + time.Duration(rand.Int64N(int64(spread)+1))
	}
	return backoff(o.RetryWaitMin, o.RetryWaitMax, n-1, nil)
}

// backoff waits per the server's Retry-After when it sent one (checkRetry has
// made sure it is within max), otherwise exponentially from min with "equal
// jitter": a random wait between half and all of min·2^attempt, never below
// min nor above max.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, maxWait)
		}
	}
	ceiling := maxWait
	if attempt < 32 {
		if d := minWait << attempt; d > 0 && d < maxWait {
			ceiling = d
		}
	}
	wait := ceiling/2 + time.Duration(rand.Int64N(int64(ceiling/2)+1))
	return max(minWait, min(wait, maxWait))
}

// parseRetryAfter reads a Retry-After value: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// giveUp runs when the policy stops: it returns the last response unchanged
// (so the caller sees the real status and body), or the last error. It never
// returns a response together with an error.
func giveUp(resp *http.Response, err error, attempts int) (*http.Response, error) {
	if err == nil {
		return resp, nil
	}
	if resp != nil {
		resp.Body.Close()
	}
	err = unwrapURLError(err)
	if attempts > 1 {
		return nil, &retriesError{attempts: attempts, err: err}
	}
	return nil, err
}

type retriesError struct {
	attempts int
	err      error
}

func (e *retriesError) Error() string {
	return "giving up after " + strconv.Itoa(e.attempts) + " attempts: " + e.err.Error()
}
func (e *retriesError) Unwrap() error { return e.err }

// Timeout keeps (*url.Error).Timeout working through the wrapper.
func (e *retriesError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.err, &t) && t.Timeout()
}

// unwrapURLError drops the *url.Error the inner client adds, since the
// caller's *http.Client adds its own.
func unwrapURLError(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) && uerr.Err != nil {
		return uerr.Err
	}
	return err
}
