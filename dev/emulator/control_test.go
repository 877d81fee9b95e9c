package emulator

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/signature"
)

// receiver is a webhook endpoint that records what it receives.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	requests []captured
	status   int
	reply    string
	header   http.Header // extra response headers
}

type captured struct {
	method, path string
	header       http.Header
	body         []byte
}

func newReceiver(t *testing.T, status int, reply string) *receiver {
	t.Helper()
	rc := &receiver{status: status, reply: reply, header: http.Header{}}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.requests = append(rc.requests, captured{r.Method, r.URL.Path, r.Header.Clone(), body})
		for k, v := range rc.header {
			w.Header()[k] = v
		}
		rc.mu.Unlock()
		w.WriteHeader(rc.status)
		_, _ = io.WriteString(w, rc.reply)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) received() []captured {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.requests)
}

// only returns the single request the receiver got.
func (rc *receiver) only(t *testing.T) captured {
	t.Helper()
	got := rc.received()
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(got))
	}
	return got[0]
}

// closedURL returns the URL of a server that is no longer listening.
func closedURL() string {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	return u + "/hook"
}

func TestJelouDeliver(t *testing.T) {
	tests := []struct {
		name          string
		authType      string
		authorization any // nil: not sent
		wantHeader    string
		wantValue     string // "" with wantHeader "": neither Authorization nor X-API-Key
	}{
		{"bearer", "bearer", "tok-1", "Authorization", "Bearer tok-1"},
		{"api_key", "api_key", "key-1", "X-API-Key", "key-1"},
		{"basic user:pass is encoded", "basic", "user:pa:ss", "Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("user:pa:ss"))},
		{"basic encoded passes through", "basic", "dXNlcjpwYXNz", "Authorization", "Basic dXNlcjpwYXNz"},
		{"no_auth", "no_auth", "ignored", "", ""},
		{"default authType", "", nil, "", ""},
		{"bearer without credential", "bearer", nil, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rc := newReceiver(t, http.StatusAccepted, "ok")
			e := New(Options{})
			body := obj{"webhookUrl": rc.URL + "/jelou-hook"}
			if tc.authType != "" {
				body["authType"] = tc.authType
			}
			if tc.authorization != nil {
				body["authorization"] = tc.authorization
			}
			secret := createJelou(t, e, "proj-9", body)["signingSecret"].(string)

			rec := do(t, e, "POST", "/_emulator/jelou/proj-9/deliver", nil)
			expectStatus(t, rec, http.StatusAccepted)
			if got := strings.TrimSpace(rec.Body.String()); got != `{"receiverStatus":202}` {
				t.Errorf("deliver answer = %s", got)
			}

			got := rc.only(t)
			if got.method != "POST" || got.path != "/jelou-hook" {
				t.Errorf("receiver got %s %s", got.method, got.path)
			}
			if ct := got.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if got.header.Get("X-Jelou-Signature") != hmacHex(secret, got.body) {
				t.Error("X-Jelou-Signature is not the HMAC-SHA256 of the body under the signing secret")
			}
			for _, h := range []string{"Authorization", "X-API-Key"} {
				want := ""
				if h == tc.wantHeader {
					want = tc.wantValue
				}
				if got.header.Get(h) != want {
					t.Errorf("%s header: present=%v, matches expected=%v", h, got.header.Get(h) != "", got.header.Get(h) == want)
				}
			}
			checkJelouMessageEvent(t, got.body, "proj-9")
		})
	}
}

func checkJelouMessageEvent(t *testing.T, body []byte, project string) {
	t.Helper()
	var ev obj
	if err := json.Unmarshal(body, &ev); err != nil {
		t.Fatalf("delivered body is not JSON: %v", err)
	}
	for k, v := range (obj{"field": "messages", "object": "message_event", "event_type": "message", "project_id": project}) {
		if ev[k] != v {
			t.Errorf("%s = %v, want %v", k, ev[k], v)
		}
	}
	if ts, _ := ev["timestamp"].(float64); time.Since(time.UnixMilli(int64(ts))) > time.Minute {
		t.Errorf("timestamp %v is not a recent unix-ms time", ev["timestamp"])
	}
	if s, _ := ev["room_id"].(string); s == "" {
		t.Error("room_id missing")
	}
	for _, k := range []string{"contact", "bot"} {
		m, _ := ev[k].(obj)
		if m["id"] == nil || m["name"] == nil {
			t.Errorf("%s = %v, want id and name", k, ev[k])
		}
	}
	if c, _ := ev["conversation"].(obj); c["id"] == nil {
		t.Errorf("conversation = %v", ev["conversation"])
	}
	v, _ := ev["value"].(obj)
	content, _ := v["content"].(obj)
	if v["id"] == nil || v["type"] != "text" || content["body"] == nil {
		t.Errorf("value = %v", ev["value"])
	}
}

func TestJelouDeliverReceiverStatusAndErrors(t *testing.T) {
	rc := newReceiver(t, http.StatusUnauthorized, "no")
	e := New(Options{})
	createJelou(t, e, "p401", obj{"webhookUrl": rc.URL})
	rec := do(t, e, "POST", "/_emulator/jelou/p401/deliver", nil)
	expectStatus(t, rec, http.StatusUnauthorized)
	if b := decode[obj](t, rec); b["receiverStatus"] != 401.0 {
		t.Errorf("answer = %v", b)
	}

	rec = do(t, e, "POST", "/_emulator/jelou/none/deliver", nil)
	expectStatus(t, rec, http.StatusNotFound)
	if b := decode[obj](t, rec); !strings.Contains(b["error"].(string), "none") {
		t.Errorf("404 answer = %v", b)
	}

	createJelou(t, e, "gone", obj{"webhookUrl": closedURL() + "?token=abc"})
	rec = do(t, e, "POST", "/_emulator/jelou/gone/deliver", nil)
	expectStatus(t, rec, http.StatusBadGateway)
	msg, _ := decode[obj](t, rec)["error"].(string)
	if !strings.Contains(msg, "receiver unreachable") || strings.Contains(msg, "token=abc") {
		t.Errorf("502 answer = %q (must explain, must not echo the URL)", msg)
	}

	expectStatus(t, do(t, e, "POST", "/_emulator/jelou/p401/deliver?tamper=maybe", nil), http.StatusBadRequest)
	expectStatus(t, do(t, e, "GET", "/_emulator/jelou/p401/deliver", nil), http.StatusMethodNotAllowed)
}

func TestJelouDeliverTamper(t *testing.T) {
	rc := newReceiver(t, http.StatusOK, "")
	e := New(Options{})
	secret := createJelou(t, e, "p1", obj{"webhookUrl": rc.URL})["signingSecret"].(string)
	expectStatus(t, do(t, e, "POST", "/_emulator/jelou/p1/deliver?tamper=true", nil), http.StatusOK)
	got := rc.only(t)
	sig := got.header.Get("X-Jelou-Signature")
	if !strings.HasPrefix(sig, "sha256=") || sig == hmacHex(secret, got.body) || signature.Verify(secret, got.body, sig) {
		t.Error("a tampered body still verifies")
	}
	checkJelouMessageEvent(t, got.body, "p1")
}

func TestJurichatDeliver(t *testing.T) {
	rc := newReceiver(t, http.StatusOK, `{"received":true}`)
	e := New(Options{})
	hook := createHook(t, e, obj{
		"name": "h", "url": rc.URL + "/juri", "events": documentedEvents,
		"headers": obj{"X-Tenant": "acme", "Authorization": "Bearer receiver-token", "X-JuriChat-Signature": "forged", "Content-Type": "text/plain"},
	})
	id, secret := hook["id"].(string), hook["secret"].(string)

	for i, event := range documentedEvents {
		t.Run(event, func(t *testing.T) {
			path := "/_emulator/jurichat/webhooks/" + id + "/deliver"
			if event != "webhook.test" || i%2 == 0 {
				path += "?event=" + event
			}
			rec := do(t, e, "POST", path, nil)
			expectStatus(t, rec, http.StatusOK)
			answer := decode[obj](t, rec)
			deliveryID, _ := answer["deliveryId"].(string)
			if answer["receiverStatus"] != 200.0 || !uuidLike.MatchString(deliveryID) {
				t.Errorf("answer = %v", answer)
			}

			all := rc.received()
			got := all[len(all)-1]
			if got.method != "POST" || got.path != "/juri" {
				t.Errorf("receiver got %s %s", got.method, got.path)
			}
			if got.header.Get("X-JuriChat-Signature") != hmacHex(secret, got.body) {
				t.Error("X-JuriChat-Signature is not the HMAC-SHA256 of the body under the webhook secret")
			}
			for h, want := range map[string]string{
				"X-JuriChat-Delivery": deliveryID, "Content-Type": "application/json",
				"X-Tenant": "acme", "Authorization": "Bearer receiver-token",
			} {
				if got.header.Get(h) != want {
					t.Errorf("header %s = %q, want %q", h, got.header.Get(h), want)
				}
			}

			var body obj
			if err := json.Unmarshal(got.body, &body); err != nil {
				t.Fatalf("body is not JSON: %v", err)
			}
			ts, _ := body["timestamp"].(string)
			if body["event"] != event || !isoMillis.MatchString(ts) {
				t.Errorf("event/timestamp = %v/%v", body["event"], body["timestamp"])
			}
			if event == "webhook.test" {
				if len(body) != 2 {
					t.Errorf("webhook.test body keys = %v, want event and timestamp", keys(body))
				}
			} else if data, _ := body["data"].(obj); len(data) == 0 || data["id"] == nil {
				t.Errorf("data = %v", body["data"])
			}

			ds := e.JurichatDeliveries(id)
			d := ds[0]
			if d.ID != deliveryID || d.Event != event || d.Status != DeliverySuccess || *d.StatusCode != 200 ||
				*d.ResponseBody != `{"received":true}` || d.ErrorMessage != nil || d.DurationMs == nil || *d.DurationMs < 0 ||
				d.AttemptCount != 1 || d.NextRetryAt != nil || !d.ExpiresAt.Equal(d.CreatedAt.Add(90*24*time.Hour)) ||
				string(d.Payload) != string(got.body) || iso(d.CreatedAt) != ts {
				t.Errorf("recorded delivery = %+v", d)
			}
		})
	}

	// The stats in the list count the deliveries.
	list := decode[[]obj](t, do(t, e, "GET", "/jurichat/webhooks", nil, jurichatKey...))
	if s := list[0]["stats"].(obj); s["totalDeliveries"] != 11.0 || s["successCount"] != 11.0 || s["successRate"] != 100.0 {
		t.Errorf("stats = %v", s)
	}
}

func TestJurichatDeliverOutcomes(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		reply      string
		wantStatus string
		wantBody   bool // the answer has a JSON body
	}{
		{"server error", 500, "boom", DeliveryFailed, true},
		{"accepted", 202, "", DeliverySuccess, true},
		{"no content", 204, "", DeliverySuccess, false},
		{"redirect is not followed", 302, "", DeliveryFailed, true},
		{"unauthorized", 401, `{"error":"bad token"}`, DeliveryFailed, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rc := newReceiver(t, tc.status, tc.reply)
			rc.header.Set("Location", "https://elsewhere.example/")
			e := New(Options{})
			id := createHook(t, e, hookBody(rc.URL))["id"].(string)
			rec := do(t, e, "POST", "/_emulator/jurichat/webhooks/"+id+"/deliver", nil)
			expectStatus(t, rec, tc.status)
			if tc.wantBody {
				if a := decode[obj](t, rec); a["receiverStatus"] != float64(tc.status) || a["deliveryId"] == nil {
					t.Errorf("answer = %v", a)
				}
			}
			d := e.JurichatDeliveries(id)[0]
			if d.Status != tc.wantStatus || *d.StatusCode != tc.status || *d.ResponseBody != tc.reply {
				t.Errorf("delivery status %s code %d", d.Status, *d.StatusCode)
			}
			if (tc.wantStatus == DeliveryFailed) != (d.ErrorMessage != nil) {
				t.Errorf("errorMessage = %v", d.ErrorMessage)
			}
			if len(rc.received()) != 1 {
				t.Errorf("receiver got %d requests", len(rc.received()))
			}
		})
	}
}

func TestJurichatDeliverTruncatesResponseBody(t *testing.T) {
	rc := newReceiver(t, 200, strings.Repeat("é", 12000))
	e := New(Options{})
	id := createHook(t, e, hookBody(rc.URL))["id"].(string)
	expectStatus(t, do(t, e, "POST", "/_emulator/jurichat/webhooks/"+id+"/deliver", nil), 200)
	body := *e.JurichatDeliveries(id)[0].ResponseBody
	if n := utf8.RuneCountInString(body); n != 10000 || !utf8.ValidString(body) {
		t.Errorf("responseBody has %d characters, want 10000", n)
	}
}

func TestJurichatDeliverUnreachable(t *testing.T) {
	e := New(Options{})
	id := createHook(t, e, hookBody(closedURL()))["id"].(string)
	rec := do(t, e, "POST", "/_emulator/jurichat/webhooks/"+id+"/deliver", nil)
	expectStatus(t, rec, http.StatusBadGateway)
	a := decode[obj](t, rec)
	msg, _ := a["error"].(string)
	if !strings.Contains(msg, "receiver unreachable") || a["deliveryId"] == nil {
		t.Errorf("answer = %v", a)
	}
	d := e.JurichatDeliveries(id)[0]
	if d.ID != a["deliveryId"] || d.Status != DeliveryFailed || d.StatusCode != nil || d.ResponseBody != nil ||
		d.ErrorMessage == nil || *d.ErrorMessage != msg {
		t.Errorf("delivery = %+v", d)
	}
	// It can be retried through the API.
	rec = do(t, e, "POST", "/jurichat/webhooks/deliveries/"+d.ID+"/retry", nil, jurichatKey...)
	expectStatus(t, rec, http.StatusOK)
}

func TestJurichatDeliverRefusals(t *testing.T) {
	rc := newReceiver(t, 200, "")
	e := New(Options{})
	active := createHook(t, e, hookBody(rc.URL, "contact.created"))["id"].(string)
	paused := createHook(t, e, obj{"name": "p", "url": rc.URL, "events": []string{"webhook.test"}, "isActive": false})["id"].(string)
	tests := []struct {
		name, path string
		status     int
		msg        string
	}{
		{"not subscribed to the default event", active + "/deliver", 409, "not subscribed to webhook.test"},
		{"not subscribed", active + "/deliver?event=contact.deleted", 409, "not subscribed to contact.deleted"},
		{"paused", paused + "/deliver", 409, "paused"},
		{"unknown event", active + "/deliver?event=lead.created", 400, "unknown event"},
		{"bad tamper", active + "/deliver?event=contact.created&tamper=2", 400, "tamper"},
		{"unknown webhook", "nope/deliver", 404, "nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, e, "POST", "/_emulator/jurichat/webhooks/"+tc.path, nil)
			expectStatus(t, rec, tc.status)
			if msg, _ := decode[obj](t, rec)["error"].(string); !strings.Contains(msg, tc.msg) {
				t.Errorf("error %q does not contain %q", msg, tc.msg)
			}
		})
	}
	if n := len(rc.received()); n != 0 {
		t.Errorf("receiver got %d requests", n)
	}
	if len(e.JurichatDeliveries(active))+len(e.JurichatDeliveries(paused)) != 0 {
		t.Error("a refused delivery was recorded")
	}
}

func TestJurichatDeliverTamper(t *testing.T) {
	rc := newReceiver(t, 200, "")
	e := New(Options{})
	h := createHook(t, e, hookBody(rc.URL))
	id, secret := h["id"].(string), h["secret"].(string)
	expectStatus(t, do(t, e, "POST", "/_emulator/jurichat/webhooks/"+id+"/deliver?tamper=true", nil), 200)
	got := rc.only(t)
	sig := got.header.Get("X-JuriChat-Signature")
	if !strings.HasPrefix(sig, "sha256=") || signature.Verify(secret, got.body, sig) {
		t.Error("a tampered body still verifies")
	}
	// The log keeps the payload that was signed.
	if d := e.JurichatDeliveries(id)[0]; !signature.Verify(secret, d.Payload, sig) {
		t.Error("the recorded payload is not the signed one")
	}
	if !json.Valid(got.body) {
		t.Error("tampered body is not JSON")
	}
}

func TestState(t *testing.T) {
	e := New(Options{})
	rec := do(t, e, "GET", "/_emulator/state", nil)
	expectStatus(t, rec, http.StatusOK)
	if got, want := strings.TrimSpace(rec.Body.String()),
		`{"jelou":{"integrations":[]},"jurichat":{"webhooks":[],"deliveries":[]},"requests":{},"faults":{},"routes":{},"scripted":{}}`; got != want {
		t.Errorf("empty state = %s, want %s", got, want)
	}

	rc := newReceiver(t, 200, "")
	integ := createJelou(t, e, "p1", obj{"webhookUrl": "https://a.example/h", "authType": "bearer", "authorization": "tok"})
	hook := createHook(t, e, obj{"name": "n", "url": rc.URL, "events": []string{"webhook.test"}, "headers": obj{"X-A": "1"}})
	do(t, e, "GET", jelouPath+"p1", nil) // 401, counted
	do(t, e, "GET", "/jurichat/webhooks/"+hook["id"].(string), nil, jurichatKey...)
	do(t, e, "POST", "/_emulator/jurichat/webhooks/"+hook["id"].(string)+"/deliver", nil) // control: not counted

	state := decode[obj](t, do(t, e, "GET", "/_emulator/state", nil))
	ints := state["jelou"].(obj)["integrations"].([]any)
	if len(ints) != 1 {
		t.Fatalf("integrations = %d", len(ints))
	}
	i0 := ints[0].(obj)
	if i0["signingSecret"] != integ["signingSecret"] || i0["authorization"] != "tok" || i0["brainId"] != "p1" ||
		i0["id"] != integ["id"] || i0["createdAt"] != integ["createdAt"] || i0["updatedAt"] == nil {
		t.Errorf("state integration keys %v do not match the created one", keys(i0))
	}
	hooks := state["jurichat"].(obj)["webhooks"].([]any)
	h0 := hooks[0].(obj)
	if h0["secret"] != hook["secret"] || h0["headers"].(obj)["X-A"] != "1" || h0["id"] != hook["id"] {
		t.Errorf("state webhook keys %v do not match the created one", keys(h0))
	}
	if ds := state["jurichat"].(obj)["deliveries"].([]any); len(ds) != 1 || ds[0].(obj)["webhookId"] != hook["id"] {
		t.Errorf("state deliveries = %d", len(ds))
	}
	wantCounts := obj{
		"POST /jelou/v1/external-support/{projectId}": 1.0,
		"GET /jelou/v1/external-support/{projectId}":  1.0,
		"POST /jurichat/webhooks":                     1.0,
		"GET /jurichat/webhooks/{webhookId}":          1.0,
	}
	if got := state["requests"].(obj); len(got) != len(wantCounts) {
		t.Errorf("requests = %v, want %v", got, wantCounts)
	} else {
		for k, v := range wantCounts {
			if got[k] != v {
				t.Errorf("requests[%q] = %v, want %v", k, got[k], v)
			}
		}
	}
}

func TestReset(t *testing.T) {
	e := New(Options{})
	createJelou(t, e, "p1", obj{"webhookUrl": "https://a.example/h"})
	id := createHook(t, e, hookBody("https://a.example/h"))["id"].(string)
	seedDelivery(e, id, "webhook.test", DeliveryFailed, e.now())

	rec := do(t, e, "POST", "/_emulator/reset", nil)
	expectStatus(t, rec, http.StatusNoContent)
	if len(e.JelouIntegrations())+len(e.JurichatWebhooks())+len(e.JurichatDeliveries(id))+len(e.Requests())+len(e.RequestCounts()) != 0 {
		t.Error("reset left state behind")
	}
	state := strings.TrimSpace(do(t, e, "GET", "/_emulator/state", nil).Body.String())
	if state != `{"jelou":{"integrations":[]},"jurichat":{"webhooks":[],"deliveries":[]},"requests":{},"faults":{},"routes":{},"scripted":{}}` {
		t.Errorf("state after reset = %s", state)
	}
	createJelou(t, e, "p1", obj{"webhookUrl": "https://a.example/h"}) // no 409 after reset
	expectStatus(t, do(t, e, "GET", "/_emulator/reset", nil), http.StatusMethodNotAllowed)
}
