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

// ErrUnexpectedResponse is wrapped by the error returned when a successful
// (2xx) response cannot be understood: invalid JSON, an unexpected shape, or
// a body larger than the limit.
var ErrUnexpectedResponse = errors.New("unexpected response")

// APIError is a non-2xx answer from an API.
type APIError struct {
	StatusCode int    // HTTP status
	Method     string // "POST"
	Path       string // request path without query, e.g. "/v1/external-support/p1"
	Message    string // one readable sentence from the body (vendor-specific parsing), never a secret
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

// Is reports whether the status maps onto target: 404 → ErrNotFound,
// 401 and 403 → ErrUnauthorized, 409 → ErrConflict, 400 and 422 → ErrValidation.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrValidation:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity
	}
	return false
}
