package transport

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAPIErrorError(t *testing.T) {
	cases := []struct {
		err  APIError
		want string
	}{
		{APIError{StatusCode: 409, Method: "POST", Path: "/v1/external-support/p1", Message: "Integration already exists"},
			"POST /v1/external-support/p1: HTTP 409 Conflict: Integration already exists"},
		{APIError{StatusCode: 404, Method: "GET", Path: "/webhooks/w1"},
			"GET /webhooks/w1: HTTP 404 Not Found"},
		{APIError{StatusCode: 503, Method: "GET", Path: "/webhooks", Message: "Service Unavailable"},
			"GET /webhooks: HTTP 503 Service Unavailable"},
		{APIError{StatusCode: 599, Method: "DELETE", Path: "/x", Message: "odd"},
			"DELETE /x: HTTP 599: odd"},
		{APIError{StatusCode: 500, Message: "boom"}, "HTTP 500 Internal Server Error: boom"},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
}

func TestAPIErrorIs(t *testing.T) {
	sentinels := []error{ErrNotFound, ErrUnauthorized, ErrConflict, ErrValidation}
	want := map[int]error{
		400: ErrValidation, 401: ErrUnauthorized, 403: ErrUnauthorized, 404: ErrNotFound,
		409: ErrConflict, 422: ErrValidation,
		405: nil, 429: nil, 500: nil, 502: nil, 503: nil,
	}
	for status, sentinel := range want {
		err := fmt.Errorf("wrapped: %w", &APIError{StatusCode: status, Method: "GET", Path: "/p", JSONBody: true})
		for _, s := range sentinels {
			if got := errors.Is(err, s); got != errors.Is(s, sentinel) {
				t.Errorf("status %d: errors.Is(err, %v) = %v", status, s, got)
			}
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
			t.Errorf("status %d: errors.As did not find the APIError", status)
		}
	}
	if errors.Is(&APIError{StatusCode: 404}, errors.New("not found")) {
		t.Error("APIError matched a different error with the same text")
	}
}

func TestAPIErrorNeverCarriesRequestData(t *testing.T) {
	// The type has no field for headers or request bodies; make sure the
	// formatted error holds only what the fields say.
	e := &APIError{StatusCode: http.StatusUnauthorized, Method: "GET", Path: "/v1/external-support/p1", Message: "Invalid API key"}
	if strings.Count(e.Error(), ":") != 2 {
		t.Errorf("unexpected format %q", e.Error())
	}
}

func TestAPIErrorOutcomeUnknown(t *testing.T) {
	for _, c := range []struct {
		method string
		status int
		want   bool
	}{
		{"POST", 500, true}, {"POST", 502, true}, {"POST", 504, true},
		{"POST", 503, false}, {"POST", 429, false}, {"POST", 501, false}, {"POST", 409, false}, {"POST", 400, false},
		{"PATCH", 500, false}, {"PATCH", 502, false}, {"GET", 500, false}, {"GET", 504, false}, {"DELETE", 502, false},
	} {
		err := fmt.Errorf("wrapped: %w", &APIError{StatusCode: c.status, Method: c.method, Path: "/p"})
		if got := errors.Is(err, ErrOutcomeUnknown); got != c.want {
			t.Errorf("%s %d: errors.Is(err, ErrOutcomeUnknown) = %v, want %v", c.method, c.status, got, c.want)
		}
	}
}

// A 404 that is not the API's own error (a proxy's or web server's page, as
// a wrong base URL gives) does not say the object is gone.
func TestNotFoundNeedsAnAPIErrorBody(t *testing.T) {
	if errors.Is(&APIError{StatusCode: 404, Method: "GET", Path: "/p"}, ErrNotFound) {
		t.Error("a 404 without a JSON error body must not count as ErrNotFound")
	}
	if !errors.Is(&APIError{StatusCode: 404, Method: "GET", Path: "/p", JSONBody: true}, ErrNotFound) {
		t.Error("a 404 with the API's JSON error body must count as ErrNotFound")
	}
}

func TestOutcomeUnknownWrapper(t *testing.T) {
	inner := &APIError{StatusCode: 404, Method: "POST", Path: "/p", JSONBody: true}
	err := markOutcomeUnknown(fmt.Errorf("ctx: %w", inner))
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrNotFound) {
		t.Errorf("the wrapper hides a sentinel: %v", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr != inner {
		t.Error("errors.As does not reach the wrapped APIError")
	}
	var w *outcomeUnknownError
	if !errors.As(markOutcomeUnknown(err), &w) || errors.As(w.err, new(*outcomeUnknownError)) {
		t.Error("an error already marked is wrapped again")
	}
	if markOutcomeUnknown(nil) != nil {
		t.Error("nil is wrapped")
	}
	if err.Error() != "ctx: POST /p: HTTP 404 Not Found" {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestResendBudget(t *testing.T) {
	for in, want := range map[int]int{0: DefaultMaxRetries, -1: 0, -5: 0, 1: 1, 7: 7} {
		if got := ResendBudget(in); got != want {
			t.Errorf("ResendBudget(%d) = %d, want %d", in, got, want)
		}
	}
}

func TestCreatedSince(t *testing.T) {
	sent := time.Date(2025, 6, 1, 12, 0, 0, 500_000_000, time.UTC)
	cases := []struct {
		createdAt string
		since, ok bool
	}{
		{"2025-06-01T12:00:01.000Z", true, true},
		{"2025-06-01T12:00:00.000Z", true, true}, // truncated to the millisecond, before sent: within the skew
		{"2025-06-01T11:59:10Z", true, true},
		{"2025-06-01T13:59:10+02:00", true, true},
		{"2025-06-01T11:58:59Z", false, true},
		{"2024-01-01T00:00:00Z", false, true},
		{"", false, false},
		{"yesterday", false, false},
		{"1748779200000", false, false},
		{"2025-06-01 12:00:01", false, false},
	}
	for _, c := range cases {
		since, ok := CreatedSince(c.createdAt, sent)
		if since != c.since || ok != c.ok {
			t.Errorf("CreatedSince(%q) = %v, %v; want %v, %v", c.createdAt, since, ok, c.since, c.ok)
		}
	}
}
