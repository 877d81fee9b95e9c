package receiver

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/signature"
)

const (
	testAdminToken = "admin-token-3f9c2a7b"
	jelouSecret    = "jelou-secret-d1e2f3a4b5c6"
	jurichatSecret = "jurichat-secret-a9b8c7d6"
	panelToken     = "panel-token-77aa88bb"
)

var allSecrets = []string{testAdminToken, jelouSecret, jurichatSecret, panelToken}

// syncBuffer is a goroutine-safe bytes.Buffer for the receiver log.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newTestReceiver(t *testing.T) (*Receiver, *syncBuffer) {
	t.Helper()
	var log syncBuffer
	r, err := New(Options{AdminToken: testAdminToken, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { assertNoSecrets(t, "receiver log", log.String()) })
	return r, &log
}

func assertNoSecrets(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range allSecrets {
		if strings.Contains(text, s) {
			t.Errorf("%s contains a secret:\n%s", what, text)
		}
	}
}

func post(t *testing.T, h http.Handler, path string, body []byte, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assertNoSecrets(t, "response to "+path, rec.Body.String())
	return rec
}

const jelouBody = `{"field":"messages","object":"message_event","event_type":"message","timestamp":1,"project_id":"p1"}`

func jurichatBody(event string) []byte {
	return []byte(`{"event":"` + event + `","data":{"id":"lead-1"},"timestamp":"2026-01-01T00:00:00.000Z"}`)
}

func TestJelouDeliveries(t *testing.T) {
	body := []byte(jelouBody)
	good := signature.Sign(jelouSecret, body)
	tests := []struct {
		name       string
		ep         *Endpoint // nil: not registered
		path       string
		body       []byte
		headers    []string
		wantStatus int
		wantReason string
	}{
		{
			name: "verified, no auth", ep: &Endpoint{Secret: jelouSecret}, body: body,
			headers: []string{HeaderJelouSignature, good}, wantStatus: 200,
		},
		{
			name: "verified with bearer", ep: &Endpoint{Secret: jelouSecret, AuthType: AuthBearer, Authorization: panelToken}, body: body,
			headers: []string{HeaderJelouSignature, good, "Authorization", "Bearer " + panelToken}, wantStatus: 200,
		},
		{
			name: "verified with api key", ep: &Endpoint{Secret: jelouSecret, AuthType: AuthAPIKey, Authorization: panelToken}, body: body,
			headers: []string{HeaderJelouSignature, good, "X-API-Key", panelToken}, wantStatus: 200,
		},
		{
			name: "verified with basic user:pass", ep: &Endpoint{Secret: jelouSecret, AuthType: AuthBasic, Authorization: "user:" + panelToken}, body: body,
			headers: []string{HeaderJelouSignature, good, "Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("user:"+panelToken))}, wantStatus: 200,
		},
		{
			name: "verified with upper-case hex", ep: &Endpoint{Secret: jelouSecret}, body: body,
			headers: []string{HeaderJelouSignature, signature.Prefix + strings.ToUpper(strings.TrimPrefix(good, signature.Prefix))}, wantStatus: 200,
		},
		{
			name: "tampered body", ep: &Endpoint{Secret: jelouSecret}, body: append(bytes.Clone(body[:len(body)-1]), []byte(`,"x":1}`)...),
			headers: []string{HeaderJelouSignature, good}, wantStatus: 401, wantReason: "does not match the body",
		},
		{
			name: "other secret", ep: &Endpoint{Secret: jelouSecret}, body: body,
			headers: []string{HeaderJelouSignature, signature.Sign("another", body)}, wantStatus: 401, wantReason: "does not match the body",
		},
		{
			name: "missing signature", ep: &Endpoint{Secret: jelouSecret}, body: body,
			wantStatus: 401, wantReason: "missing X-Jelou-Signature header",
		},
		{
			name: "no prefix", ep: &Endpoint{Secret: jelouSecret}, body: body,
			headers: []string{HeaderJelouSignature, strings.TrimPrefix(good, signature.Prefix)}, wantStatus: 401, wantReason: "not in the form sha256=",
		},
		{
			name: "two signature headers", ep: &Endpoint{Secret: jelouSecret}, body: body,
			headers: []string{HeaderJelouSignature, good, HeaderJelouSignature, good}, wantStatus: 401, wantReason: "more than one",
		},
		{
			name: "JuriChat header is not Jelou's", ep: &Endpoint{Secret: jelouSecret}, body: body,
			headers: []string{HeaderJurichatSignature, good}, wantStatus: 401, wantReason: "missing X-Jelou-Signature",
		},
		{
			name: "missing bearer", ep: &Endpoint{Secret: jelouSecret, AuthType: AuthBearer, Authorization: panelToken}, body: body,
			headers: []string{HeaderJelouSignature, good}, wantStatus: 401, wantReason: "missing or wrong Authorization credential",
		},
		{
			name: "wrong bearer", ep: &Endpoint{Secret: jelouSecret, AuthType: AuthBearer, Authorization: panelToken}, body: body,
			headers: []string{HeaderJelouSignature, good, "Authorization", "Bearer nope"}, wantStatus: 401, wantReason: "missing or wrong Authorization credential",
		},
		{
			name: "not registered", body: body,
			headers: []string{HeaderJelouSignature, good}, wantStatus: 401, wantReason: "no secret registered for jelou/panel",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, log := newTestReceiver(t)
			if tc.ep != nil {
				if err := r.Register(VendorJelou, "panel", *tc.ep); err != nil {
					t.Fatal(err)
				}
			}
			rec := post(t, r, "/jelou/panel", tc.body, tc.headers...)
			if rec.Code != tc.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tc.wantStatus, rec.Body)
			}
			ds := r.Deliveries()
			if len(ds) != 1 {
				t.Fatalf("%d deliveries recorded, want 1", len(ds))
			}
			d := ds[0]
			if d.Vendor != VendorJelou || d.Name != "panel" || d.Seq != 1 || d.Status != tc.wantStatus {
				t.Errorf("delivery = %+v", d)
			}
			if d.Event != "message" {
				t.Errorf("event = %q, want message", d.Event)
			}
			if d.Verified != (tc.wantStatus == 200) {
				t.Errorf("verified = %v", d.Verified)
			}
			if tc.wantReason != "" && !strings.Contains(d.Reason, tc.wantReason) {
				t.Errorf("reason = %q, want it to contain %q", d.Reason, tc.wantReason)
			}
			line := FormatDelivery(d)
			if !strings.Contains(log.String(), line) {
				t.Errorf("log %q lacks the line %q", log.String(), line)
			}
			want := ": verified"
			if tc.wantStatus != 200 {
				want = ": REJECTED (HTTP 401): " + d.Reason
			}
			if !strings.Contains(line, want) {
				t.Errorf("line %q lacks %q", line, want)
			}
		})
	}
}

func TestJurichatDeliveries(t *testing.T) {
	r, log := newTestReceiver(t)
	if err := r.Register(VendorJurichat, "crm-leads", Endpoint{Secret: jurichatSecret}); err != nil {
		t.Fatal(err)
	}
	body := jurichatBody("crm.lead.created")
	sig := signature.Sign(jurichatSecret, body)
	const id = "0b7c5a3e-1111-4222-8333-944445555666"

	if rec := post(t, r, "/jurichat/crm-leads", body, HeaderJurichatSignature, sig, HeaderJurichatDelivery, id); rec.Code != 200 {
		t.Fatalf("status = %d; %s", rec.Code, rec.Body)
	}
	// The same delivery again (a retry): verified, flagged as a duplicate.
	if rec := post(t, r, "/jurichat/crm-leads", body, HeaderJurichatSignature, sig, HeaderJurichatDelivery, id); rec.Code != 200 {
		t.Fatalf("status = %d; %s", rec.Code, rec.Body)
	}
	// Jelou's header is not JuriChat's.
	if rec := post(t, r, "/jurichat/crm-leads", body, HeaderJelouSignature, sig); rec.Code != 401 {
		t.Fatalf("status = %d; %s", rec.Code, rec.Body)
	}
	// The body changed after signing.
	tampered := bytes.Replace(body, []byte("lead-1"), []byte("lead-2"), 1)
	if rec := post(t, r, "/jurichat/crm-leads", tampered, HeaderJurichatSignature, sig, HeaderJurichatDelivery, "d-2"); rec.Code != 401 {
		t.Fatalf("status = %d; %s", rec.Code, rec.Body)
	}
	// A Jelou endpoint of the same name is a different endpoint.
	if rec := post(t, r, "/jelou/crm-leads", body, HeaderJelouSignature, sig); rec.Code != 401 {
		t.Fatalf("status = %d; %s", rec.Code, rec.Body)
	}

	ds := r.Deliveries()
	if len(ds) != 5 {
		t.Fatalf("%d deliveries, want 5", len(ds))
	}
	if !ds[0].Verified || ds[0].Duplicate || ds[0].DeliveryID != id || ds[0].Event != "crm.lead.created" {
		t.Errorf("first = %+v", ds[0])
	}
	if !ds[1].Verified || !ds[1].Duplicate {
		t.Errorf("second = %+v, want a verified duplicate", ds[1])
	}
	if ds[2].Verified || !strings.Contains(ds[2].Reason, "missing X-JuriChat-Signature") {
		t.Errorf("third = %+v", ds[2])
	}
	if ds[3].Verified || !strings.Contains(ds[3].Reason, "does not match the body") || ds[3].DeliveryID != "d-2" {
		t.Errorf("fourth = %+v", ds[3])
	}
	if ds[4].Verified || !strings.Contains(ds[4].Reason, "no secret registered for jelou/crm-leads") {
		t.Errorf("fifth = %+v", ds[4])
	}
	for i, d := range ds {
		if d.Seq != i+1 {
			t.Errorf("delivery %d has seq %d", i, d.Seq)
		}
	}
	if !strings.Contains(log.String(), "duplicate delivery id") {
		t.Errorf("log lacks the duplicate note:\n%s", log)
	}
}

func TestHostileInputIsNotEchoedRaw(t *testing.T) {
	r, log := newTestReceiver(t)
	rec := post(t, r, "/jurichat/a%0Afake%20line", []byte(`{"event":"x\nINJECTED"}`), HeaderJurichatDelivery, "id\nINJECTED")
	if rec.Code != 401 {
		t.Fatalf("status = %d", rec.Code)
	}
	if strings.Contains(log.String(), "\nfake") || strings.Contains(log.String(), "\nINJECTED") {
		t.Errorf("log line was split by input:\n%s", log)
	}
	if n := strings.Count(log.String(), "\n"); n != 1 {
		t.Errorf("log has %d lines, want 1:\n%s", n, log)
	}
}

func TestBodyLimit(t *testing.T) {
	r, err := New(Options{AdminToken: testAdminToken, MaxBody: 10})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Register(VendorJurichat, "w", Endpoint{Secret: jurichatSecret}); err != nil {
		t.Fatal(err)
	}
	body := jurichatBody("contact.created")
	rec := post(t, r, "/jurichat/w", body, HeaderJurichatSignature, signature.Sign(jurichatSecret, body))
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status = %d", rec.Code)
	}
	if d := r.Deliveries(); len(d) != 1 || d[0].Verified {
		t.Errorf("deliveries = %+v", d)
	}
}

func TestAdminRoutes(t *testing.T) {
	r, log := newTestReceiver(t)
	put := func(path, token, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPut, path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		assertNoSecrets(t, "admin response", rec.Body.String())
		return rec
	}
	reg := func(secret, authType, auth string) string {
		b, _ := json.Marshal(map[string]string{"secret": secret, "authType": authType, "authorization": auth})
		return string(b)
	}

	cases := []struct {
		name, path, token, body string
		want                    int
		wantErr                 string
	}{
		{"no token", "/_receiver/endpoints/jelou/panel", "", reg(jelouSecret, "", ""), 401, "admin token"},
		{"wrong token", "/_receiver/endpoints/jelou/panel", "nope", reg(jelouSecret, "", ""), 401, "admin token"},
		{"not JSON", "/_receiver/endpoints/jelou/panel", testAdminToken, "secret=" + jelouSecret, 400, "JSON object"},
		{"unknown field", "/_receiver/endpoints/jelou/panel", testAdminToken, `{"secret":"` + jelouSecret + `","extra":1}`, 400, "JSON object"},
		{"empty secret", "/_receiver/endpoints/jelou/panel", testAdminToken, reg("", "", ""), 400, "secret is empty"},
		{"bad vendor", "/_receiver/endpoints/slack/panel", testAdminToken, reg(jelouSecret, "", ""), 400, "unknown vendor"},
		{"bad name", "/_receiver/endpoints/jelou/-x", testAdminToken, reg(jelouSecret, "", ""), 400, "invalid endpoint name"},
		{"bearer without credential", "/_receiver/endpoints/jelou/panel", testAdminToken, reg(jelouSecret, "bearer", ""), 400, "needs an authorization"},
		{"credential without type", "/_receiver/endpoints/jelou/panel", testAdminToken, reg(jelouSecret, "", panelToken), 400, "needs authType"},
		{"unknown auth type", "/_receiver/endpoints/jelou/panel", testAdminToken, reg(jelouSecret, "digest", panelToken), 400, "unknown authType"},
		{"auth on jurichat", "/_receiver/endpoints/jurichat/w", testAdminToken, reg(jurichatSecret, "bearer", panelToken), 400, "Jelou endpoints only"},
		{"jelou ok", "/_receiver/endpoints/jelou/panel", testAdminToken, reg(jelouSecret, "bearer", panelToken), 204, ""},
		{"jurichat ok", "/_receiver/endpoints/jurichat/w", testAdminToken, reg(jurichatSecret, "", ""), 204, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := put(tc.path, tc.token, tc.body)
			if rec.Code != tc.want {
				t.Fatalf("status = %d, want %d; %s", rec.Code, tc.want, rec.Body)
			}
			if tc.wantErr != "" && !strings.Contains(rec.Body.String(), tc.wantErr) {
				t.Errorf("body %s lacks %q", rec.Body, tc.wantErr)
			}
		})
	}
	if got := r.Endpoints(); fmt.Sprint(got) != "[jelou/panel jurichat/w]" {
		t.Errorf("endpoints = %v", got)
	}
	if !strings.Contains(log.String(), "registered the signing secret and the expected bearer credential for jelou/panel") {
		t.Errorf("log lacks the registration line:\n%s", log)
	}

	// Inspection routes carry no secrets.
	for _, path := range []string{"/_receiver/endpoints", "/_receiver/deliveries", "/_receiver/health"} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != 200 {
			t.Errorf("GET %s = %d", path, rec.Code)
		}
		assertNoSecrets(t, path, rec.Body.String())
	}

	// Forget needs the token too.
	del := func(token string) int {
		req := httptest.NewRequest(http.MethodDelete, "/_receiver/endpoints/jurichat/w", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		return rec.Code
	}
	if c := del("nope"); c != 401 {
		t.Errorf("DELETE with a wrong token = %d", c)
	}
	if c := del(testAdminToken); c != 204 {
		t.Errorf("DELETE = %d", c)
	}
	if c := del(testAdminToken); c != 404 {
		t.Errorf("second DELETE = %d", c)
	}
}

func TestNewNeedsAdminToken(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Fatal("New without an admin token succeeded")
	}
}

func TestEndpointNeverPrintsSecrets(t *testing.T) {
	ep := Endpoint{Secret: jelouSecret, AuthType: AuthBearer, Authorization: panelToken}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out := fmt.Sprintf(verb, ep)
		assertNoSecrets(t, verb, out)
		outPtr := fmt.Sprintf(verb, &ep)
		assertNoSecrets(t, verb+" of a pointer", outPtr)
	}
	wrapped := fmt.Sprintf("%+v", struct{ E Endpoint }{ep})
	assertNoSecrets(t, "nested", wrapped)
	if !strings.Contains(ep.String(), "(set)") || !strings.Contains(ep.String(), "bearer") {
		t.Errorf("String() = %q", ep.String())
	}
	for _, bad := range []Endpoint{{}, {Secret: jelouSecret, AuthType: "weird", Authorization: panelToken}} {
		if err := bad.Validate(VendorJelou); err == nil {
			t.Errorf("Validate(%v) = nil", bad)
		} else {
			assertNoSecrets(t, "Validate error", err.Error())
		}
	}
}

func TestServerAndClient(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var log syncBuffer
	srv, err := Listen(ctx, "127.0.0.1:0", Options{AdminToken: testAdminToken, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	client, err := NewClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Register(ctx, "wrong-token", VendorJurichat, "w", Endpoint{Secret: jurichatSecret}); err == nil ||
		!strings.Contains(err.Error(), "HTTP 401") {
		t.Errorf("Register with a wrong token: %v", err)
	} else {
		assertNoSecrets(t, "error", err.Error())
	}
	if err := client.Register(ctx, testAdminToken, VendorJurichat, "w", Endpoint{Secret: jurichatSecret}); err != nil {
		t.Fatal(err)
	}

	body := jurichatBody("webhook.test")
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/jurichat/w", bytes.NewReader(body))
	req.Header.Set(HeaderJurichatSignature, signature.Sign(jurichatSecret, body))
	req.Header.Set(HeaderJurichatDelivery, "d-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("delivery status = %d", resp.StatusCode)
	}

	ds, err := client.Deliveries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || !ds[0].Verified || ds[0].Event != "webhook.test" || ds[0].DeliveryID != "d-1" {
		t.Errorf("deliveries = %+v", ds)
	}

	cancel()
	if err := srv.Wait(); err != nil {
		t.Errorf("Wait = %v", err)
	}
	if _, err := client.Deliveries(context.Background()); err == nil {
		t.Error("the server still answers after its context was cancelled")
	}
	assertNoSecrets(t, "log", log.String())
}

func TestLoopbackOnly(t *testing.T) {
	for _, addr := range []string{":0", "0.0.0.0:0", "192.0.2.1:80", "example.com:80", "nonsense"} {
		if _, err := Listen(context.Background(), addr, Options{AdminToken: testAdminToken}); err == nil {
			t.Errorf("Listen(%q) succeeded", addr)
		}
	}
	for _, u := range []string{"http://example.com", "http://10.0.0.1:8090", "ftp://127.0.0.1", "http://user:pw@127.0.0.1:1", "127.0.0.1:8090"} {
		if _, err := NewClient(u); err == nil {
			t.Errorf("NewClient(%q) succeeded", u)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8090", "http://localhost:1/", "http://[::1]:2"} {
		if _, err := NewClient(u); err != nil {
			t.Errorf("NewClient(%q) = %v", u, err)
		}
	}
}

func TestClientRetriesThenReportsUnreachable(t *testing.T) {
	// A port nothing listens on: take one and close it.
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	client, err := NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	err = client.Register(context.Background(), testAdminToken, VendorJelou, "p", Endpoint{Secret: jelouSecret})
	if err == nil || !strings.Contains(err.Error(), "cannot reach the receiver") {
		t.Fatalf("err = %v", err)
	}
	assertNoSecrets(t, "error", err.Error())
}
