package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/ratelimit"
)

// DefaultMaxResponseBytes caps how much of a response body is read (10 MiB).
const DefaultMaxResponseBytes int64 = 10 << 20

// Requester sends JSON API calls for one vendor. The shared work lives here:
// URL building, JSON encoding, common headers, the response size cap, and
// turning non-2xx answers into *APIError. A vendor supplies only what
// differs: Authenticate, ErrorMessage, and the decoding of 2xx bodies.
// A Requester is safe for concurrent use once built; do not change its
// fields afterwards.
type Requester struct {
	// HTTPClient sends the requests; nil means one shared
	// NewHTTPClient(Options{}) client.
	HTTPClient *http.Client
	// BaseURL is the API root, e.g. https://gateway.jelou.ai/platform. Call
	// paths are appended to its path.
	BaseURL *url.URL
	// Service names the API in errors, e.g. "Jelou".
	Service string
	// UserAgent is sent as User-Agent when set.
	UserAgent string
	// Authenticate sets the credential headers on every request.
	Authenticate func(h http.Header)
	// ErrorMessage turns a JSON error body into one readable sentence, or
	// returns "" when it recognises nothing; MessageFromBody then falls back
	// to a generic rendering. It is only called with syntactically valid JSON.
	ErrorMessage func(status int, body []byte) string
	// Redact lists credential values that must never appear in an error
	// message, even if a server echoes them. Values shorter than 4 bytes are
	// ignored.
	Redact []string
	// MaxResponseBytes caps the body read; 0 means DefaultMaxResponseBytes.
	MaxResponseBytes int64
	// Pace, when set, paces every attempt of every call (see SharedPace).
	Pace *ratelimit.Pace
}

// SharedPace returns the provider process's one pace for the credential r
// authenticates with at r's API host (see ratelimit.Shared): every client
// built with the same credential shares it. Call it once Authenticate is
// set. capRPS > 0 caps the pace's rate (requests per second).
func SharedPace(r *Requester, capRPS float64) *ratelimit.Pace {
	h := http.Header{}
	if r.Authenticate != nil {
		r.Authenticate(h)
	}
	parts := []string{r.Service}
	if r.BaseURL != nil {
		parts = append(parts, r.BaseURL.Scheme, r.BaseURL.Host)
	}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, k, strings.Join(h[k], "\x00"))
	}
	return ratelimit.Shared(capRPS, parts...)
}

// Response is a 2xx answer, its body read in full.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte

	service, method, path string
}

// Do sends one call. path is the escaped path below BaseURL (build segments
// with PathSegment); query may be nil; body, when non-nil, is sent as JSON.
// A non-2xx answer returns a *APIError whose Message comes from the body,
// with the Redact values and the call's own sensitive values (credentials
// carried in the request body) scrubbed; a failure to reach the server
// returns the transport error, wrapped. For a method that is not idempotent,
// an error that leaves unknown whether the server acted wraps
// ErrOutcomeUnknown (see there).
func (r *Requester) Do(ctx context.Context, method, path string, query url.Values, body any, sensitive ...string) (*Response, error) {
	if r.BaseURL == nil {
		return nil, errors.New("transport: Requester has no BaseURL")
	}
	u := *r.BaseURL
	escaped := strings.TrimSuffix(u.EscapedPath(), "/") + path
	unescaped, err := url.PathUnescape(escaped)
	if err != nil {
		return nil, fmt.Errorf("%s: invalid request path %q: %w", r.service(), path, err)
	}
	u.Path, u.RawPath = unescaped, escaped
	u.RawQuery = ""
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	u.Fragment, u.RawFragment = "", ""

	var reader io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("%s: %s %s: encoding the request body: %w", r.service(), method, path, err)
		}
		reader = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), reader)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %s: %w", r.service(), method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.UserAgent != "" {
		req.Header.Set("User-Agent", r.UserAgent)
	}
	if r.Authenticate != nil {
		r.Authenticate(req.Header)
	}

	hc := r.HTTPClient
	if hc == nil {
		hc = defaultClient()
	}
	ctx = WithThrottling(ctx)
	if r.Pace != nil {
		ctx = withPace(ctx, r.Pace)
	}
	req = req.WithContext(ctx)
	resp, err := hc.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) && uerr.Err != nil {
			err = uerr.Err // its text repeats the full URL; method and path say enough
		}
		return nil, fmt.Errorf("%s: %s %s: %w", r.service(), method, path, err)
	}
	defer resp.Body.Close()

	limit := r.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	data, readErr := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	tooLarge := int64(len(data)) > limit
	if tooLarge {
		data = data[:limit]
	}
	out := &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: data,
		service: r.Service, method: method, path: path}

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// A truncated or partly read error body still yields a message.
		message := redact(MessageFromBody(resp.StatusCode, resp.Header.Get("Content-Type"), data, r.ErrorMessage), r.Redact, sensitive)
		var throttling *ThrottleSummary
		if s := ThrottlingFrom(ctx).Summary(); s.Answers > 0 &&
			(resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
			throttling = &s
		}
		return nil, &APIError{
			Throttling: throttling,
			StatusCode: resp.StatusCode,
			Method:     method,
			Path:       path,
			URLPath:    escaped,
			Message:    message,
			JSONBody:   jsonObject(data),
			NoRoute:    resp.StatusCode == http.StatusNotFound && strings.HasPrefix(message, "Cannot "+method+" /"),
		}
	}
	if readErr != nil {
		err := fmt.Errorf("%s: %s %s: reading the response: %w", r.service(), method, path, readErr)
		if !idempotentMethod(method) {
			// The server answered 2xx: it acted, but what it said is lost.
			err = markOutcomeUnknown(err)
		}
		return nil, err
	}
	if tooLarge {
		return nil, out.Unexpected(fmt.Sprintf("the body is larger than %d bytes", limit))
	}
	if isHTML(resp.Header.Get("Content-Type"), data) {
		// A sign-in or error page from a proxy is never an API answer, even
		// with a 2xx status: a DELETE answered so has not deleted anything.
		return nil, out.Unexpected("the server returned an HTML page instead of an API answer; check base_url (the provider " +
			"called " + method + " " + escaped + ")")
	}
	return out, nil
}

// jsonObject reports whether body is a JSON object: an API's own error body,
// as opposed to a page from a proxy, a gateway or a wrong base URL.
func jsonObject(body []byte) bool {
	body = bytes.TrimSpace(body)
	return len(body) > 0 && body[0] == '{' && json.Valid(body)
}

// service prefixes transport errors: "Jelou API" or just "API".
func (r *Requester) service() string {
	return strings.TrimSpace(r.Service + " API")
}

var defaultClient = sync.OnceValue(func() *http.Client { return NewHTTPClient(Options{}) })

// Unexpected returns an error wrapping ErrUnexpectedResponse, e.g.
// `GET /v1/external-support/p1: unexpected response from Jelou (HTTP 200): invalid JSON`.
//
// For a method that is not idempotent (POST, PATCH) the error also wraps
// ErrOutcomeUnknown: the server answered 2xx, so it acted, but what it
// created or changed cannot be read from the answer.
func (r *Response) Unexpected(reason string) error {
	err := error(&unexpectedError{service: r.service, method: r.method, path: r.path, status: r.StatusCode, reason: reason})
	if r.method != "" && !idempotentMethod(r.method) {
		err = markOutcomeUnknown(err)
	}
	return err
}

type unexpectedError struct {
	service, method, path string
	status                int
	reason                string
}

func (e *unexpectedError) Error() string {
	from := ""
	if e.service != "" {
		from = " from " + e.service
	}
	prefix := ""
	if e.method != "" || e.path != "" {
		prefix = strings.TrimSpace(e.method+" "+e.path) + ": "
	}
	return fmt.Sprintf("%s%s%s (HTTP %d): %s", prefix, ErrUnexpectedResponse, from, e.status, e.reason)
}

func (e *unexpectedError) Unwrap() error { return ErrUnexpectedResponse }

// DecodeJSON decodes the body into v. Invalid JSON, an empty body or a value
// of the wrong shape give an error wrapping ErrUnexpectedResponse; the error
// never quotes the body.
func (r *Response) DecodeJSON(v any) error {
	if len(bytes.TrimSpace(r.Body)) == 0 {
		return r.Unexpected("empty body")
	}
	return r.decode(r.Body, v)
}

// DecodePart decodes part of the body (for example an envelope's "data"
// member) with DecodeJSON's error handling.
func (r *Response) DecodePart(part []byte, v any) error {
	return r.decode(part, v)
}

func (r *Response) decode(data []byte, v any) error {
	if !json.Valid(data) {
		return r.Unexpected("invalid JSON")
	}
	if err := json.Unmarshal(data, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			where := "the body"
			if typeErr.Field != "" {
				where = "field " + typeErr.Field
			}
			return r.Unexpected(fmt.Sprintf("unexpected JSON shape: %s is a JSON %s", where, typeErr.Value))
		}
		return r.Unexpected("unexpected JSON shape: " + err.Error())
	}
	return nil
}

// Envelope returns the object an envelope-shaped body wraps under key, e.g.
// {"status":1,"data":{...}} → {...}, told apart by key holding a JSON object
// (or a one-element list of one); otherwise it returns the whole body. It
// fails (wrapping ErrUnexpectedResponse) unless the body is a JSON object.
func (r *Response) Envelope(key string) ([]byte, error) {
	var top map[string]json.RawMessage
	if err := r.DecodeJSON(&top); err != nil {
		return nil, err
	}
	inner := bytes.TrimSpace(top[key])
	switch {
	case len(inner) > 0 && inner[0] == '{':
		return inner, nil
	case len(inner) > 0 && inner[0] == '[':
		var items []json.RawMessage
		if json.Unmarshal(inner, &items) == nil && len(items) == 1 {
			if item := bytes.TrimSpace(items[0]); len(item) > 0 && item[0] == '{' {
				return item, nil
			}
		}
	}
	return r.Body, nil
}

// PathSegment escapes one path segment. It refuses an empty segment and the
// dot segments "." and "..", which would address a different resource once a
// server normalises the path.
func PathSegment(what, s string) (string, error) {
	switch strings.TrimSpace(s) {
	case "":
		return "", fmt.Errorf("%s must not be empty", what)
	case ".", "..":
		return "", fmt.Errorf("%s %q is not a valid identifier", what, s)
	}
	return url.PathEscape(s), nil
}

func redact(msg string, lists ...[]string) string {
	for _, secrets := range lists {
		for _, s := range secrets {
			if len(s) >= 4 {
				msg = strings.ReplaceAll(msg, s, "[redacted]")
			}
		}
	}
	return msg
}
