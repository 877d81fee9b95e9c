// Package transport is the HTTP plumbing both API clients share: a retrying
// *http.Client, a Requester that sends one JSON API call and reads its answer
// within a size limit, and the APIError type with sentinel errors that callers
// match with errors.Is. It knows nothing of Terraform and nothing of a
// particular vendor: vendors supply authentication headers, error-body
// parsing and response decoding.
package transport

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Sentinel errors; APIError.Is maps HTTP statuses onto them.
var (
	ErrNotFound     = errors.New("not found")         // 404
	ErrUnauthorized = errors.New("unauthorized")      // 401, 403
	ErrConflict     = errors.New("conflict")          // 409
	ErrValidation   = errors.New("validation failed") // 400, 422
)

// ErrOutcomeUnknown is wrapped by the error of a request that is not
// idempotent (POST, PATCH) and may have reached the server, so that whether
// the server acted on it is unknown:
//
//   - the connection failed after it had been obtained: reset, EOF, a
//     timeout or a cancellation once the request may have been written;
//   - a 2xx answer whose body could not be read to the end;
//   - a POST answered 500, 502 or 504 (by *APIError.Is): the server, or the
//     one behind a gateway, may have stored the request before failing.
//
// The transport never sends such a request again (see NewHTTPClient); the
// caller decides, typically by reading back what it meant to create. A
// request that provably did not reach the server (connection refused, 429,
// 503) never carries it.
var ErrOutcomeUnknown = errors.New("the request may have reached the server, so its outcome is unknown")

// outcomeUnknownError marks err with ErrOutcomeUnknown; errors.Is and
// errors.As still reach err. Its text is err's: what the caller does about
// the unknown outcome (read back, report) is for the caller to say.
type outcomeUnknownError struct{ err error }

func markOutcomeUnknown(err error) error {
	if err == nil || errors.Is(err, ErrOutcomeUnknown) {
		return err
	}
	return &outcomeUnknownError{err: err}
}

func (e *outcomeUnknownError) Error() string { return e.err.Error() }

func (e *outcomeUnknownError) Unwrap() []error { return []error{e.err, ErrOutcomeUnknown} }

// Timeout keeps (*url.Error).Timeout working through the wrapper.
func (e *outcomeUnknownError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.err, &t) && t.Timeout()
}

// ErrUnexpectedResponse is wrapped by the error returned when a successful
// (2xx) response cannot be understood: invalid JSON, an unexpected shape, or
// a body larger than the limit.
var ErrUnexpectedResponse = errors.New("unexpected response")

// APIError is a non-2xx answer from an API.
type APIError struct {
	StatusCode int    // HTTP status
	Method     string // "POST"
	Path       string // request path below the base URL, without query, e.g. "/v1/external-support/p1"
	// URLPath is the whole path of the URL called, the base URL's own path
	// included, without query, e.g. "/platform/v1/external-support/p1":
	// what a wrong base URL shows in. Empty when unknown.
	URLPath string
	Message string // one readable sentence from the body (vendor-specific parsing), never a secret
	// JSONBody is true when the body was a JSON object: the API's own error.
	// A 404 without one (a proxy's or web server's page, as a wrong base URL
	// gives) does not say the object is gone, so it is not ErrNotFound.
	JSONBody bool
	// NoRoute is true for a 404 whose message says the server has no such
	// route ("Cannot GET /v1/v1/…", the answer of NestJS and Express
	// APIs to an unknown path, as a wrong base URL path gives): it does not
	// say the object is gone either, so it is not ErrNotFound.
	NoRoute bool
	// Throttling is set on a 429 or 503 that ended the waiting on
	// throttling (the budget was spent): how long the operation waited and
	// how many throttling answers it had. nil otherwise.
	Throttling *ThrottleSummary
}

// Error returns e.g. `POST /v1/external-support/p1: HTTP 409 Conflict: Integration already exists`.
// It carries no headers and no request body.
func (e *APIError) Error() string {
	var b strings.Builder
	if e.Method != "" || e.Path != "" {
		b.WriteString(strings.TrimSpace(e.Method + " " + e.Path))
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	text := http.StatusText(e.StatusCode)
	if text != "" {
		b.WriteString(" ")
		b.WriteString(text)
	}
	if e.Message != "" && !strings.EqualFold(e.Message, text) {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Called returns the method and the whole URL path of the call, e.g.
// "GET /platform/v1/external-support/p1" (Path when URLPath is unknown). It
// never holds a query string or a header.
func (e *APIError) Called() string {
	p := e.URLPath
	if p == "" {
		p = e.Path
	}
	return strings.TrimSpace(e.Method + " " + p)
}

// Is reports whether the status maps onto target: 404 with a JSON body
// (and not NoRoute) → ErrNotFound,
// 401 and 403 → ErrUnauthorized, 409 → ErrConflict, 400 and 422 →
// ErrValidation; and a POST answered 500, 502 or 504 → ErrOutcomeUnknown
// (the server may have acted before failing). 503 and 429 never are: they
// say the server did not act.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrOutcomeUnknown:
		return e.Method == http.MethodPost && (e.StatusCode == http.StatusInternalServerError ||
			e.StatusCode == http.StatusBadGateway || e.StatusCode == http.StatusGatewayTimeout)
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound && e.JSONBody && !e.NoRoute
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrValidation:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity
	}
	return false
}
