package transport

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
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
		err := fmt.Errorf("wrapped: %w", &APIError{StatusCode: status, Method: "GET", Path: "/p"})
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
