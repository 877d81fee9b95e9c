package emulator

import (
	"bytes"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func TestDefaultOptions(t *testing.T) {
	d := DefaultOptions()
	want := Options{
		JelouAPIKey: "emulator-jelou-key", JelouClientID: "emulator-client", JelouClientSecret: "emulator-secret",
		JelouShape: "envelope", JurichatToken: "emulator-jurichat-token", JurichatAPIKey: "emulator-jurichat-key",
		Seed: 1,
	}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("DefaultOptions() = %+v", d)
	}
	// The zero Options take the defaults.
	e := New(Options{})
	if e.opts.JelouAPIKey != want.JelouAPIKey || e.opts.JurichatToken != want.JurichatToken || e.opts.JelouShape != ShapeEnvelope {
		t.Error("New(Options{}) does not fill the defaults")
	}
}

func TestOptionsValidate(t *testing.T) {
	for shape, ok := range map[string]bool{"": true, "envelope": true, "flat": true, "Flat": false, "xml": false} {
		err := Options{JelouShape: shape}.Validate()
		if (err == nil) != ok {
			t.Errorf("Validate(shape %q) = %v", shape, err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("New with an invalid shape did not panic")
		}
	}()
	New(Options{JelouShape: "xml"})
}

func TestRequestRecording(t *testing.T) {
	e := New(Options{})
	do(t, e, "POST", jelouPath+"p1", obj{"webhookUrl": "https://a.example/h"}, jelouKey...)
	do(t, e, "GET", jelouPath+"p1", nil) // 401
	do(t, e, "PUT", jelouPath+"p1", nil, jelouKey...)
	do(t, e, "POST", "/jurichat/webhooks", `{"name":`, jurichatToken...) // 400
	do(t, e, "GET", "/jurichat/webhooks/events", nil)                    // 401
	do(t, e, "GET", "/jurichat/nope", nil, jurichatKey...)
	do(t, e, "GET", "/_emulator/state", nil) // control: not recorded

	want := []struct{ method, path, pattern string }{
		{"POST", jelouPath + "p1", "POST /jelou/v1/external-support/{projectId}"},
		{"GET", jelouPath + "p1", "GET /jelou/v1/external-support/{projectId}"},
		{"PUT", jelouPath + "p1", "/jelou/"},
		{"POST", "/jurichat/webhooks", "POST /jurichat/webhooks"},
		{"GET", "/jurichat/webhooks/events", "GET /jurichat/webhooks/events"},
		{"GET", "/jurichat/nope", "/jurichat/"},
	}
	got := e.Requests()
	if len(got) != len(want) {
		t.Fatalf("recorded %d requests, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].Method != w.method || got[i].Path != w.path || got[i].Pattern != w.pattern {
			t.Errorf("request %d = %s %s (%s), want %s %s (%s)", i, got[i].Method, got[i].Path, got[i].Pattern, w.method, w.path, w.pattern)
		}
	}
	if string(got[0].Body) != `{"webhookUrl":"https://a.example/h"}` || got[0].Header.Get("x-api-key") != DefaultJelouAPIKey {
		t.Error("recorded body or header of the first request differs from what was sent")
	}
	if string(got[3].Body) != `{"name":` {
		t.Error("the body of a rejected request was not recorded")
	}

	counts := e.RequestCounts()
	wantCounts := map[string]int{
		"POST /jelou/v1/external-support/{projectId}": 1,
		"GET /jelou/v1/external-support/{projectId}":  1,
		"PUT /jelou/":                   1,
		"POST /jurichat/webhooks":       1,
		"GET /jurichat/webhooks/events": 1,
		"GET /jurichat/":                1,
	}
	if fmt.Sprint(counts) != fmt.Sprint(wantCounts) {
		t.Errorf("counts = %v, want %v", counts, wantCounts)
	}

	// Copies: changing them does not change the emulator.
	got[0].Body[0] = 'X'
	got[0].Header.Set("x-api-key", "changed")
	counts["GET /jurichat/"] = 99
	again := e.Requests()
	if again[0].Body[0] != '{' || again[0].Header.Get("x-api-key") != DefaultJelouAPIKey || e.RequestCounts()["GET /jurichat/"] != 1 {
		t.Error("Requests/RequestCounts return shared memory")
	}

	e.ResetRequests()
	if len(e.Requests()) != 0 || len(e.RequestCounts()) != 0 {
		t.Error("ResetRequests left requests behind")
	}
	if _, ok := e.JelouIntegration("p1"); !ok {
		t.Error("ResetRequests removed state")
	}
}

func TestUnknownRoutes(t *testing.T) {
	e := New(Options{})
	rec := do(t, e, "PUT", jelouPath+"p1", nil, jelouKey...)
	expectStatus(t, rec, http.StatusNotFound)
	if msg := errorMessage(t, rec); msg != "Cannot PUT /v1/external-support/p1" {
		t.Errorf("jelou 404 message = %q", msg)
	}
	rec = do(t, e, "GET", "/jelou/v1/external-support/", nil, jelouKey...)
	expectStatus(t, rec, http.StatusNotFound)

	rec = do(t, e, "DELETE", "/jurichat/webhooks", nil, jurichatKey...)
	expectStatus(t, rec, http.StatusNotFound)
	if b := decode[obj](t, rec); b["message"] != "Route DELETE:/webhooks not found" || b["statusCode"] != 404.0 {
		t.Errorf("jurichat 404 = %v", b)
	}
	// Unknown vendor routes still require credentials (the chain is the same).
	expectStatus(t, do(t, e, "GET", "/jurichat/nope", nil), http.StatusUnauthorized)

	expectStatus(t, do(t, e, "GET", "/", nil), http.StatusOK)
	expectStatus(t, do(t, e, "GET", "/elsewhere", nil), http.StatusNotFound)
}

func TestBodyTooLarge(t *testing.T) {
	e := New(Options{})
	big := `{"webhookUrl":"` + strings.Repeat("a", maxBodyBytes) + `"}`
	rec := do(t, e, "POST", jelouPath+"p1", big, jelouKey...)
	expectStatus(t, rec, http.StatusRequestEntityTooLarge)
	if b := decode[obj](t, rec); b["statusMessage"] != "error" {
		t.Errorf("jelou 413 body keys = %v", keys(b))
	}
	rec = do(t, e, "POST", "/jurichat/webhooks", big, jurichatKey...)
	expectStatus(t, rec, http.StatusRequestEntityTooLarge)
	if b := decode[obj](t, rec); b["statusCode"] != 413.0 {
		t.Errorf("jurichat 413 body keys = %v", keys(b))
	}
	if n := len(e.Requests()); n != 2 {
		t.Errorf("recorded %d requests, want 2", n)
	}
}

func TestRequestLog(t *testing.T) {
	var buf lockedBuffer
	e := New(Options{RequestLog: &buf})
	created := createJelou(t, e, "p1", obj{"webhookUrl": "https://a.example/h?token=query-secret", "authorization": "receiver-credential"})
	do(t, e, "GET", jelouPath+"p1?x=query-value", nil)
	hook := createHook(t, e, obj{"name": "body-name", "url": "https://a.example/h", "events": []string{"webhook.test"}, "headers": obj{"X-A": "header-value"}})
	do(t, e, "GET", "/_emulator/state", nil)

	log := buf.String()
	lines := strings.Split(strings.TrimSpace(log), "\n")
	if len(lines) != 4 {
		t.Fatalf("log has %d lines, want 4", len(lines))
	}
	line := regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d (GET|POST) (/\S*) (\d{3}) \S+$`)
	wantPaths := []string{"/jelou/v1/external-support/p1 200", "/jelou/v1/external-support/p1 401", "/jurichat/webhooks 201", "/_emulator/state 200"}
	for i, l := range lines {
		m := line.FindStringSubmatch(l)
		if m == nil || m[2]+" "+m[3] != wantPaths[i] {
			t.Errorf("log line %d does not look like %q", i, wantPaths[i])
		}
	}
	for i, secret := range []string{
		DefaultJelouAPIKey, DefaultJurichatToken, created["signingSecret"].(string), hook["secret"].(string),
		"receiver-credential", "query-secret", "query-value", "body-name", "header-value", "webhookUrl",
	} {
		if strings.Contains(log, secret) {
			t.Errorf("the request log contains a credential, secret, query or body (item %d of the check list)", i)
		}
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestConcurrency runs parallel creates, reads and updates; run with -race.
func TestConcurrency(t *testing.T) {
	e := New(Options{})
	const n = 40
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{} // status of the creates of the shared project
	for i := 0; i < n; i++ {
		wg.Add(5)
		go func() {
			defer wg.Done()
			rec := do(t, e, "POST", fmt.Sprintf("%sproj-%d", jelouPath, i), obj{"webhookUrl": "https://a.example/h"}, jelouKey...)
			if rec.Code != http.StatusOK {
				t.Errorf("create proj-%d: %d", i, rec.Code)
			}
		}()
		go func() {
			defer wg.Done()
			rec := do(t, e, "POST", jelouPath+"shared", obj{"webhookUrl": "https://a.example/h"}, jelouBasic...)
			mu.Lock()
			statuses[rec.Code]++
			mu.Unlock()
		}()
		go func() {
			defer wg.Done()
			rec := do(t, e, "POST", "/jurichat/webhooks", hookBody("https://a.example/h"), jurichatKey...)
			if rec.Code != http.StatusCreated {
				t.Errorf("jurichat create: %d", rec.Code)
			}
		}()
		go func() {
			defer wg.Done()
			do(t, e, "GET", "/jurichat/webhooks", nil, jurichatKey...)
			do(t, e, "PATCH", jelouPath+"shared", obj{"authType": "bearer"}, jelouKey...)
			do(t, e, "GET", "/_emulator/state", nil)
		}()
		go func() {
			defer wg.Done()
			_ = e.JelouIntegrations()
			_ = e.JurichatWebhooks()
			_ = e.Requests()
			_ = e.RequestCounts()
		}()
	}
	wg.Wait()
	if statuses[http.StatusOK] != 1 || statuses[http.StatusConflict] != n-1 {
		t.Errorf("shared project creates: %v, want one 200 and %d 409", statuses, n-1)
	}
	if got := len(e.JelouIntegrations()); got != n+1 {
		t.Errorf("%d integrations, want %d", got, n+1)
	}
	if got := len(e.JurichatWebhooks()); got != n {
		t.Errorf("%d webhooks, want %d", got, n)
	}
	counts := e.RequestCounts()
	if counts["POST /jelou/v1/external-support/{projectId}"] != 2*n || counts["POST /jurichat/webhooks"] != n {
		t.Errorf("counts = %v", counts)
	}
	seen := map[string]bool{}
	for _, h := range e.JurichatWebhooks() {
		if seen[h.ID] || seen[h.Secret] {
			t.Fatal("duplicate webhook id or secret")
		}
		seen[h.ID], seen[h.Secret] = true, true
	}
}

func TestInspectionCopiesAndOutOfBandChanges(t *testing.T) {
	e := New(Options{})
	createJelou(t, e, "p1", obj{"webhookUrl": "https://a.example/h"})
	id := createHook(t, e, obj{"name": "n", "url": "https://a.example/h", "events": []string{"webhook.test"}, "description": "d", "headers": obj{"X-A": "1"}})["id"].(string)

	h, _ := e.JurichatWebhook(id)
	h.Events[0] = "changed"
	h.Headers["X-A"] = "changed"
	*h.Description = "changed"
	list := e.JurichatWebhooks()
	list[0].Headers["X-B"] = "2"
	again, _ := e.JurichatWebhook(id)
	if again.Events[0] != "webhook.test" || again.Headers["X-A"] != "1" || len(again.Headers) != 1 || *again.Description != "d" {
		t.Error("JurichatWebhook/JurichatWebhooks return shared memory")
	}

	if !e.ModifyJelouIntegration("p1", func(i *JelouIntegration) { i.WebhookURL = "https://drift.example/h"; i.ID = "x" }) {
		t.Fatal("ModifyJelouIntegration found nothing")
	}
	data := jelouData(t, do(t, e, "GET", jelouPath+"p1", nil, jelouKey...))
	if data["webhookUrl"] != "https://drift.example/h" || data["id"] == "x" {
		t.Errorf("after out-of-band change: webhookUrl %v, id changed %v", data["webhookUrl"], data["id"] == "x")
	}
	if !e.ModifyJurichatWebhook(id, func(h *JurichatWebhook) { h.IsActive = false; h.Events = append(h.Events, "contact.created") }) {
		t.Fatal("ModifyJurichatWebhook found nothing")
	}
	got := decode[obj](t, do(t, e, "GET", "/jurichat/webhooks/"+id, nil, jurichatKey...))
	if got["isActive"] != false || fmt.Sprint(got["events"]) != "[webhook.test contact.created]" {
		t.Errorf("after out-of-band change: %v %v", got["isActive"], got["events"])
	}
	if e.ModifyJelouIntegration("nope", func(*JelouIntegration) {}) || e.ModifyJurichatWebhook("nope", func(*JurichatWebhook) {}) {
		t.Error("Modify of an unknown object reported success")
	}

	if !e.DeleteJelouIntegration("p1") || e.DeleteJelouIntegration("p1") {
		t.Error("DeleteJelouIntegration results wrong")
	}
	expectStatus(t, do(t, e, "GET", jelouPath+"p1", nil, jelouKey...), http.StatusNotFound)
	if !e.DeleteJurichatWebhook(id) || e.DeleteJurichatWebhook(id) {
		t.Error("DeleteJurichatWebhook results wrong")
	}
	expectStatus(t, do(t, e, "GET", "/jurichat/webhooks/"+id, nil, jurichatKey...), http.StatusNotFound)
}

func TestWebhookURLRule(t *testing.T) {
	tests := map[string]string{
		"https://a.example/h":         "",
		"HTTPS://A.EXAMPLE/h":         "",
		"http://localhost/h":          "",
		"http://127.255.255.254:1/h":  "",
		"http://[::1]/h":              "",
		"http://[::ffff:127.0.0.1]/h": "",
		"":                            "must not be empty",
		"   ":                         "must not be empty",
		"a.example/h":                 "absolute URL",
		"https://":                    "absolute URL",
		"https://:443/h":              "absolute URL",
		"mailto:a@example.com":        "absolute URL",
		"http://[::2]/h":              "must use https",
		"http://128.0.0.1/h":          "must use https",
		"ws://localhost/h":            `must use https, not "ws"`,
		"https://u@a.example/h":       "user name or password",
		"http://u:p@localhost/h":      "user name or password",
		"https://a.example:99999999/": "port between 1 and 65535",
		"https://a.example:0/":        "port between 1 and 65535",
		"https://a.example:/h":        "",
	}
	for in, want := range tests {
		got := webhookURLProblem(in)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("webhookURLProblem(%q) = %q, want %q", in, got, want)
		}
	}
}
