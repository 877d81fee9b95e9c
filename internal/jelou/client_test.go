package jelou

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport/transporttest"
)

const (
	testKey    = "jelou-test-key-0001"
	testID     = "client-id-42"
	testSecret = "client-secret-0002"
)

func fastHTTP() *http.Client {
	return transport.NewHTTPClient(transport.Options{MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
}

func newTestClient(t *testing.T, f *transporttest.Fake, mutate func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: f.URL + "/jelou", APIKey: testKey, UserAgent: "terraform-provider-jelou/test", HTTPClient: fastHTTP()}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

const integrationJSON = `{"id":"int-1","brainId":"p1","webhookUrl":"https://panel.example.com/hook","authType":"bearer",` +
	`"signingSecret":"0a1b2c3d","createdAt":"2025-01-01T00:00:00.000Z","updatedAt":"2025-01-02T00:00:00.000Z"}`

func envelope(data string) string {
	return `{"message":["Integration created successfully"],"statusMessage":"success","status":1,"data":` + data + `}`
}

var wantIntegration = Integration{
	ID: "int-1", BrainID: "p1", WebhookURL: "https://panel.example.com/hook", AuthType: "bearer",
	SigningSecret: "0a1b2c3d", CreatedAt: "2025-01-01T00:00:00.000Z", UpdatedAt: "2025-01-02T00:00:00.000Z",
}

var shapes = map[string]func(string) string{
	"envelope": envelope,
	"flat":     func(s string) string { return s },
}

func TestNewClientConfig(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		err  string
	}{
		{"api key", Config{BaseURL: "https://gateway.jelou.ai/platform", APIKey: testKey}, ""},
		{"basic", Config{BaseURL: "https://gateway.jelou.ai/jelouapi/", ClientID: testID, ClientSecret: testSecret}, ""},
		{"loopback http", Config{BaseURL: "http://127.0.0.1:8089/jelou", APIKey: testKey}, ""},
		{"no credentials", Config{BaseURL: "https://gateway.jelou.ai/platform"}, "no credentials"},
		{"blank key", Config{BaseURL: "https://gateway.jelou.ai/platform", APIKey: "  "}, "no credentials"},
		{"both modes", Config{BaseURL: "https://gateway.jelou.ai/platform", APIKey: testKey, ClientID: testID, ClientSecret: testSecret}, "not both"},
		{"key and id", Config{BaseURL: "https://gateway.jelou.ai/platform", APIKey: testKey, ClientID: testID}, "not both"},
		{"id only", Config{BaseURL: "https://gateway.jelou.ai/platform", ClientID: testID}, "together"},
		{"secret only", Config{BaseURL: "https://gateway.jelou.ai/platform", ClientSecret: testSecret}, "together"},
		{"colon in id", Config{BaseURL: "https://gateway.jelou.ai/platform", ClientID: "a:b", ClientSecret: testSecret}, "':'"},
		{"newline in key", Config{BaseURL: "https://gateway.jelou.ai/platform", APIKey: testKey + "\n"}, "control characters"},
		{"empty base", Config{APIKey: testKey}, "BaseURL"},
		{"relative base", Config{BaseURL: "gateway.jelou.ai", APIKey: testKey}, "BaseURL"},
		{"plain http remote", Config{BaseURL: "http://gateway.jelou.ai/platform", APIKey: testKey}, "https"},
		{"credentials in base", Config{BaseURL: "https://u:" + testSecret + "@gateway.jelou.ai", APIKey: testKey}, "credentials"},
		{"query in base", Config{BaseURL: "https://gateway.jelou.ai/platform?x=1", APIKey: testKey}, "query"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewClient(c.cfg)
			if c.err == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("err = %v, want it to mention %q", err, c.err)
			}
			for _, secret := range []string{testKey, testSecret} {
				if strings.Contains(err.Error(), secret) {
					t.Error("the error repeats a credential")
				}
			}
		})
	}
}

func TestAuthenticationHeaders(t *testing.T) {
	f := transporttest.NewFake(t)
	f.Reply(200, integrationJSON)

	c := newTestClient(t, f, nil)
	if _, err := c.GetIntegration(context.Background(), "p1"); err != nil {
		t.Fatal(err)
	}
	got := f.Last(t)
	if got.Header.Get("X-Api-Key") != testKey {
		t.Error("x-api-key header missing or wrong")
	}
	if got.Header.Get("Authorization") != "" {
		t.Error("API key mode must not send Authorization")
	}
	if got.Header.Get("User-Agent") != "terraform-provider-jelou/test" || got.Header.Get("Accept") != "application/json" {
		t.Errorf("User-Agent %q, Accept %q", got.Header.Get("User-Agent"), got.Header.Get("Accept"))
	}

	c = newTestClient(t, f, func(cfg *Config) {
		cfg.APIKey, cfg.ClientID, cfg.ClientSecret, cfg.UserAgent = "", testID, testSecret, ""
	})
	if _, err := c.GetIntegration(context.Background(), "p1"); err != nil {
		t.Fatal(err)
	}
	got = f.Last(t)
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(testID+":"+testSecret))
	if got.Header.Get("Authorization") != want {
		t.Error("Basic Authorization header missing or wrong")
	}
	if got.Header.Get("X-Api-Key") != "" {
		t.Error("Basic mode must not send x-api-key")
	}
	if got.Header.Get("User-Agent") != DefaultUserAgent {
		t.Errorf("default User-Agent %q", got.Header.Get("User-Agent"))
	}
}

func assertJSON(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("request body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("request body = %s, want %s", gb, wb)
	}
}

func TestCreateIntegration(t *testing.T) {
	for name, shape := range shapes {
		t.Run(name, func(t *testing.T) {
			f := transporttest.NewFake(t)
			f.Reply(200, shape(integrationJSON))
			c := newTestClient(t, f, nil)
			got, err := c.CreateIntegration(context.Background(), "p1", CreateIntegrationRequest{
				WebhookURL: "https://panel.example.com/hook", AuthType: "bearer", Authorization: "tok",
			})
			if err != nil {
				t.Fatal(err)
			}
			if *got != wantIntegration {
				t.Errorf("got %+v, want %+v", *got, wantIntegration)
			}
			req := f.Last(t)
			if req.Method != "POST" || req.Path != "/jelou/v1/external-support/p1" || req.Query != "" {
				t.Errorf("request %s %s?%s", req.Method, req.Path, req.Query)
			}
			if req.Header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type %q", req.Header.Get("Content-Type"))
			}
			assertJSON(t, req.Body, `{"webhookUrl":"https://panel.example.com/hook","authType":"bearer","authorization":"tok"}`)
		})
	}
}

func TestCreateIntegrationOmitsUnsetFields(t *testing.T) {
	f := transporttest.NewFake(t)
	f.Reply(200, envelope(integrationJSON))
	c := newTestClient(t, f, nil)
	if _, err := c.CreateIntegration(context.Background(), "p1", CreateIntegrationRequest{WebhookURL: "https://x.example/h"}); err != nil {
		t.Fatal(err)
	}
	assertJSON(t, f.Last(t).Body, `{"webhookUrl":"https://x.example/h"}`)
}

func TestProjectIDIsEscaped(t *testing.T) {
	f := transporttest.NewFake(t)
	f.Reply(200, integrationJSON)
	c := newTestClient(t, f, nil)
	if _, err := c.GetIntegration(context.Background(), "a/b c?d"); err != nil {
		t.Fatal(err)
	}
	if got := f.Last(t).RawPath; got != "/jelou/v1/external-support/a%2Fb%20c%3Fd" {
		t.Errorf("escaped path %q", got)
	}
	for _, bad := range []string{"", "..", "."} {
		if _, err := c.GetIntegration(context.Background(), bad); err == nil {
			t.Errorf("project ID %q accepted", bad)
		}
	}
	if f.Count() != 1 {
		t.Errorf("invalid project IDs reached the server")
	}
}

func TestGetIntegration(t *testing.T) {
	noSecret := strings.Replace(integrationJSON, `"signingSecret":"0a1b2c3d",`, "", 1)
	want := wantIntegration
	want.SigningSecret = ""
	for name, shape := range shapes {
		t.Run(name, func(t *testing.T) {
			f := transporttest.NewFake(t)
			f.Reply(200, shape(noSecret))
			got, err := newTestClient(t, f, nil).GetIntegration(context.Background(), "p1")
			if err != nil {
				t.Fatal(err)
			}
			if *got != want {
				t.Errorf("got %+v", *got)
			}
			req := f.Last(t)
			if req.Method != "GET" || req.Path != "/jelou/v1/external-support/p1" || req.Body != "" {
				t.Errorf("request %s %s body %q", req.Method, req.Path, req.Body)
			}
			if req.Header.Get("Content-Type") != "" {
				t.Error("GET sent a Content-Type without a body")
			}
		})
	}
}

func TestDecodeTolerance(t *testing.T) {
	cases := map[string]Integration{
		// numeric ids, null timestamps, extra fields
		`{"id":17,"brainId":123,"webhookUrl":"https://h","authType":"no_auth","createdAt":null,"extra":{"x":1}}`: {ID: "17", BrainID: "123", WebhookURL: "https://h", AuthType: "no_auth"},
		// Mongo-style id
		`{"_id":"m1","brainId":"p1","webhookUrl":"https://h"}`: {ID: "m1", BrainID: "p1", WebhookURL: "https://h"},
		// envelope whose data is a one-element list
		`{"status":1,"data":[{"id":"i","webhookUrl":"https://h"}]}`: {ID: "i", WebhookURL: "https://h"},
		// a flat integration is not mistaken for an envelope by a non-object data member
		`{"id":"i","webhookUrl":"https://h","data":"x"}`: {ID: "i", WebhookURL: "https://h"},
	}
	for body, want := range cases {
		f := transporttest.NewFake(t)
		f.Reply(200, body)
		got, err := newTestClient(t, f, nil).GetIntegration(context.Background(), "p1")
		if err != nil {
			t.Errorf("%s: %v", body, err)
			continue
		}
		if *got != want {
			t.Errorf("%s: got %+v, want %+v", body, *got, want)
		}
	}
}

func TestMalformedSuccessResponses(t *testing.T) {
	cases := map[string]string{
		`{"id": "x"`:                 "unexpected response from Jelou (HTTP 200): invalid JSON",
		`<html>ok</html>`:            "unexpected response from Jelou (HTTP 200): the server returned an HTML page instead of an API answer",
		``:                           "unexpected response from Jelou (HTTP 200): empty body",
		`[]`:                         "unexpected response from Jelou (HTTP 200): unexpected JSON shape",
		`"ok"`:                       "unexpected response from Jelou (HTTP 200): unexpected JSON shape",
		`{"status":1,"data":null}`:   "unexpected response from Jelou (HTTP 200): the body holds no integration",
		`{}`:                         "the body holds no integration",
		`{"data":{"id":{"a":1}}}`:    "unexpected JSON shape",
		`{"data":{"webhookUrl":[]}}`: "unexpected JSON shape",
	}
	for body, want := range cases {
		f := transporttest.NewFake(t)
		f.Reply(200, body)
		_, err := newTestClient(t, f, nil).GetIntegration(context.Background(), "p1")
		if !errors.Is(err, transport.ErrUnexpectedResponse) || !strings.Contains(err.Error(), want) {
			t.Errorf("body %q: err = %v, want %q", body, err, want)
		}
	}
}

func TestUpdateIntegrationSendsOnlySetFields(t *testing.T) {
	s := func(v string) *string { return &v }
	cases := []struct {
		name string
		req  UpdateIntegrationRequest
		want string
	}{
		{"url only", UpdateIntegrationRequest{WebhookURL: s("https://new.example/h")}, `{"webhookUrl":"https://new.example/h"}`},
		{"auth type and credential", UpdateIntegrationRequest{AuthType: s("api_key"), Authorization: s("k")}, `{"authType":"api_key","authorization":"k"}`},
		{"empty credential is sent", UpdateIntegrationRequest{AuthType: s("no_auth"), Authorization: s("")}, `{"authType":"no_auth","authorization":""}`},
		{"nothing", UpdateIntegrationRequest{}, `{}`},
	}
	for _, c := range cases {
		for name, shape := range shapes {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				f := transporttest.NewFake(t)
				f.Reply(200, shape(integrationJSON))
				got, err := newTestClient(t, f, nil).UpdateIntegration(context.Background(), "p1", c.req)
				if err != nil {
					t.Fatal(err)
				}
				if got.ID != "int-1" {
					t.Errorf("got %+v", got)
				}
				req := f.Last(t)
				if req.Method != "PATCH" || req.Path != "/jelou/v1/external-support/p1" {
					t.Errorf("request %s %s", req.Method, req.Path)
				}
				assertJSON(t, req.Body, c.want)
			})
		}
	}
}

func TestDeleteIntegration(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
	}{
		{200, `{"message":["Integration deleted successfully"],"statusMessage":"success","status":1}`},
		{204, ``},
		{200, `not json at all`}, // the body of a delete is not needed
	} {
		f := transporttest.NewFake(t)
		f.Reply(tc.status, tc.body)
		if err := newTestClient(t, f, nil).DeleteIntegration(context.Background(), "p1"); err != nil {
			t.Errorf("%d %q: %v", tc.status, tc.body, err)
		}
		req := f.Last(t)
		if req.Method != "DELETE" || req.Path != "/jelou/v1/external-support/p1" || req.Body != "" {
			t.Errorf("request %s %s %q", req.Method, req.Path, req.Body)
		}
	}
}

func TestErrorStatuses(t *testing.T) {
	cases := []struct {
		status   int
		ctype    string
		body     string
		sentinel error
		message  string
	}{
		{400, "application/json", `{"message":"Bad request","statusMessage":"error","status":0,"validationError":{"webhookUrl":"must be a valid URL"}}`,
			ErrValidation, "webhookUrl: must be a valid URL"}, // "Bad request" only repeats the status
		{401, "application/json", `{"message":["Unauthorized"],"statusMessage":"error","status":0}`, ErrUnauthorized, "Unauthorized"},
		{403, "application/json", `{"error":{"code":"E403","key":"FORBIDDEN","description":"The key cannot access this project"}}`, ErrUnauthorized, "The key cannot access this project"},
		{404, "application/json", `{"message":["Integration not found"],"statusMessage":"error","status":0}`, ErrNotFound, "Integration not found"},
		{409, "application/json", `{"message":"Integration already exists"}`, ErrConflict, "Integration already exists"},
		{422, "application/json", `{"validationError":[{"field":"authType","message":"must be one of bearer, api_key, basic, no_auth"}]}`,
			ErrValidation, "authType: must be one of bearer, api_key, basic, no_auth"},
		{500, "application/json", `{"statusMessage":"Internal failure","status":0}`, nil, "Internal failure"},
		{502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>", nil, transport.HTMLMessage},
		{503, "", "", nil, "Service Unavailable"},
		{504, "text/plain", "  upstream request timeout\n", nil, "upstream request timeout"},
		{500, "application/octet-stream", "\x00\x9f\x92garbage", nil, "the server returned a non-text response (10 bytes)"},
	}
	for _, c := range cases {
		t.Run(http.StatusText(c.status), func(t *testing.T) {
			f := transporttest.NewFake(t)
			f.SetContentType(c.ctype)
			f.Reply(c.status, c.body)
			client := newTestClient(t, f, func(cfg *Config) { cfg.HTTPClient = transport.NewHTTPClient(transport.Options{MaxRetries: -1}) })
			_, err := client.UpdateIntegration(context.Background(), "p1", UpdateIntegrationRequest{})
			var apiErr *transport.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *transport.APIError", err)
			}
			if apiErr.StatusCode != c.status || apiErr.Method != "PATCH" || apiErr.Path != "/v1/external-support/p1" {
				t.Errorf("APIError fields %+v", apiErr)
			}
			if apiErr.Message != c.message {
				t.Errorf("Message = %q, want %q", apiErr.Message, c.message)
			}
			for _, s := range []error{ErrNotFound, ErrUnauthorized, ErrConflict, ErrValidation} {
				if errors.Is(err, s) != errors.Is(s, c.sentinel) {
					t.Errorf("errors.Is(err, %v) = %v", s, errors.Is(err, s))
				}
			}
		})
	}
}

func TestErrorsNeverCarryCredentials(t *testing.T) {
	basic := base64.StdEncoding.EncodeToString([]byte(testID + ":" + testSecret))
	const hookCred = "hook-cred-9"
	modes := map[string]struct {
		mutate  func(*Config)
		secrets []string // what this mode sends, and the server echoes back
	}{
		"api key": {nil, []string{testKey, hookCred}},
		"basic": {func(cfg *Config) { cfg.APIKey, cfg.ClientID, cfg.ClientSecret = "", testID, testSecret },
			[]string{testSecret, basic, hookCred}},
	}
	for name, m := range modes {
		t.Run(name, func(t *testing.T) {
			f := transporttest.NewFake(t)
			f.Reply(400, `{"message":"rejected `+strings.Join(m.secrets, " and ")+`","validationError":{"authorization":"\"`+hookCred+`\" is not allowed"}}`)
			c := newTestClient(t, f, m.mutate)
			_, err := c.CreateIntegration(context.Background(), "p1", CreateIntegrationRequest{WebhookURL: "https://h", Authorization: hookCred})
			if err == nil {
				t.Fatal("expected an error")
			}
			for _, secret := range m.secrets {
				if strings.Contains(err.Error(), secret) {
					t.Error("the error text carries a credential")
				}
			}
			if !strings.Contains(err.Error(), "[redacted]") {
				t.Errorf("expected the echoed credentials to be redacted: %v", err)
			}
		})
	}
}

func TestRetriesThroughClient(t *testing.T) {
	var mu sync.Mutex
	calls := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls[r.Method]++
		n := calls[r.Method]
		mu.Unlock()
		if n == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		_, _ = io.WriteString(w, integrationJSON)
	}))
	defer srv.Close()
	c, err := NewClient(Config{BaseURL: srv.URL, APIKey: testKey, HTTPClient: fastHTTP()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetIntegration(context.Background(), "p1"); err != nil {
		t.Errorf("GET after one 502: %v", err)
	}
	// A 502 to a POST is not resent by the transport: the server may have
	// acted. The client reads the project instead, and finds an integration
	// created long before (integrationJSON): not this create's, left alone.
	_, err = c.CreateIntegration(context.Background(), "p1", CreateIntegrationRequest{WebhookURL: "https://h"})
	if !errors.Is(err, ErrUnprovenIntegration) || !strings.Contains(err.Error(), "HTTP 502 Bad Gateway") {
		t.Errorf("POST after a 502: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls["POST"] != 1 || calls["DELETE"] != 0 {
		t.Errorf("calls %v", calls)
	}
}

func TestDefaultHTTPClient(t *testing.T) {
	f := transporttest.NewFake(t)
	f.Reply(200, integrationJSON)
	c, err := NewClient(Config{BaseURL: f.URL, APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetIntegration(context.Background(), "p1"); err != nil {
		t.Fatal(err)
	}
}

// AuthMode names the credential mode NewClient chose, for the provider's log.
func TestClientAuthMode(t *testing.T) {
	for cfg, want := range map[Config]string{
		{BaseURL: "https://jelou.example", APIKey: "k"}:                       "api_key",
		{BaseURL: "https://jelou.example", ClientID: "id", ClientSecret: "s"}: "client_credentials",
	} {
		c, err := NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.AuthMode(); got != want {
			t.Errorf("AuthMode() = %q, want %q", got, want)
		}
	}
}

// A 404 page from a wrong base URL names the call with the whole URL path,
// the base URL's own path included, and never the query or a header.
func TestWrongBaseURLNamesThePathCalled(t *testing.T) {
	f := transporttest.NewFake(t)
	f.SetContentType("text/html")
	f.Reply(http.StatusNotFound, "<html>Not Found</html>")
	c := newTestClient(t, f, func(cfg *Config) { cfg.BaseURL = f.URL + "/platform/v1" })
	_, err := c.GetIntegration(context.Background(), "p1")
	var apiErr *transport.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *transport.APIError", err)
	}
	if got, want := apiErr.Called(), "GET /platform/v1/v1/external-support/p1"; got != want {
		t.Errorf("Called() = %q, want %q", got, want)
	}
	if errors.Is(err, ErrNotFound) {
		t.Error("a page that is not an API error says nothing about the integration, but is ErrNotFound")
	}
	if strings.Contains(err.Error(), testKey) {
		t.Error("the error carries the API key")
	}
}
