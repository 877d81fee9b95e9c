package transport

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Defaults used by NewHTTPClient for zero-valued Options fields.
const (
	DefaultMaxRetries     = 4
	DefaultRetryWaitMin   = 1 * time.Second
	DefaultRetryWaitMax   = 60 * time.Second
	DefaultRequestTimeout = 60 * time.Second
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
	// Transport is the RoundTripper each attempt goes through; nil means a
	// pooled transport honouring the proxy environment variables. Tests use
	// it to inject failures.
	Transport http.RoundTripper
}

// NewHTTPClient returns an *http.Client that retries on 429, 502, 503, 504
// (and 500 for idempotent requests) and connection failures, at most
// MaxRetries times, with exponential backoff and jitter between
// RetryWaitMin and RetryWaitMax. It honours
// Retry-After (seconds or an HTTP date): the retry waits exactly that long,
// and a Retry-After longer than RetryWaitMax ends the retries instead of
// being cut short. The request context cancels an attempt or a wait at once.
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
	rc.Logger = nil // retryablehttp logs to stderr by default; report only through OnRetry
	rc.RetryMax = o.MaxRetries
	rc.RetryWaitMin = o.RetryWaitMin
	rc.RetryWaitMax = o.RetryWaitMax
	if o.Transport != nil {
		rc.HTTPClient = &http.Client{Transport: o.Transport}
	}
	rc.HTTPClient.Timeout = o.RequestTimeout
	rc.CheckRetry = func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		return checkRetry(ctx, resp, err, o.RetryWaitMax)
	}
	rc.Backoff = backoff
	rc.ErrorHandler = giveUp
	rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, i int) {
		st := stateFrom(req.Context())
		if st == nil {
			return
		}
		status, err := st.beginAttempt()
		if i > 0 && o.OnRetry != nil {
			o.OnRetry(req.Context(), st.method, st.path, i, status, err)
		}
	}
	return &http.Client{Transport: &roundTripper{rc: rc}}
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
	return o
}

// roundTripper runs each request through the retrying client, with a
// per-request state in the context that the retry policy reads.
type roundTripper struct {
	rc *retryablehttp.Client
}

func (t *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	st := &requestState{
		method:     req.Method,
		path:       req.URL.EscapedPath(),
		idempotent: isIdempotent(req),
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

// beginAttempt resets the per-attempt flags and returns the previous
// attempt's outcome.
func (s *requestState) beginAttempt() (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.connected, s.unknown = false, false
	return s.lastStatus, s.lastErr
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
// acted on (RoundTrip then marks the error with ErrOutcomeUnknown).
func checkRetry(ctx context.Context, resp *http.Response, err error, maxWait time.Duration) (bool, error) {
	st := stateFrom(ctx)
	if st == nil { // not from our RoundTripper: be conservative
		st = &requestState{connected: true}
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
		st.record(0, unwrapURLError(err))
		return true, nil
	}
	st.setUnknown(false) // an answer: the caller reads its status
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		// The server did not act on the request: safe for every method.
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
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
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok && d > maxWait {
		// Retrying sooner than the server asked is futile, and waiting
		// longer than configured is not what the user wants: hand the
		// answer (for example a 429 "retry later") to the caller.
		return false, nil
	}
	st.record(resp.StatusCode, nil)
	return true, nil
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
