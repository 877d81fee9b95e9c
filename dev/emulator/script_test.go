package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Every route of RouteTable is served under its name: one request to each
// is counted under that name and nowhere else.
func TestRouteTableNamesEveryRoute(t *testing.T) {
	e := New(DefaultOptions())
	seen := map[string]bool{}
	for _, rt := range RouteTable() {
		if seen[rt.Name] {
			t.Fatalf("route name %s is used twice", rt.Name)
		}
		seen[rt.Name] = true
		path := strings.NewReplacer("{projectId}", "p1", "{webhookId}", "w1", "{deliveryId}", "d1").Replace(rt.Path)
		e.ResetRequests()
		do(t, e, rt.Method, path, nil)
		if got := e.RouteCounts(); len(got) != 1 || got[rt.Name] != 1 {
			t.Errorf("%s %s: RouteCounts = %v, want {%s: 1}", rt.Method, path, got, rt.Name)
		}
		if reqs := e.Requests(); len(reqs) != 1 || reqs[0].Route != rt.Name {
			t.Errorf("%s %s: recorded %+v, want route %s", rt.Method, path, reqs, rt.Name)
		}
	}
	// JuriChat's trailing slash is the same route; an unknown path none.
	e.ResetRequests()
	do(t, e, "GET", "/jurichat/webhooks/", nil, jurichatToken...)
	do(t, e, "GET", "/jelou/v2/nothing", nil, jelouKey...)
	if got := e.RouteCounts(); len(got) != 1 || got[RouteJurichatList] != 1 {
		t.Errorf("RouteCounts = %v, want {%s: 1}", got, RouteJurichatList)
	}
}

// The next N requests to a route meet the fault, the others are served;
// scripts of one route queue up; other routes are untouched.
func TestScriptNextRequests(t *testing.T) {
	e := New(DefaultOptions())
	e.MustScript(RouteJelouCreate, Status(503), 2)
	e.MustScript(RouteJelouCreate, Status(429), 1)
	body := obj{"webhookUrl": "https://a.example/h"}

	expectStatus(t, do(t, e, "GET", jelouPath+"p1", nil, jelouKey...), http.StatusNotFound) // another route
	for i, want := range []int{503, 503, 429} {
		rec := do(t, e, "POST", jelouPath+"p1", body, jelouKey...)
		expectStatus(t, rec, want)
		if msg := errorMessage(t, rec); !strings.Contains(msg, "fault injected by the emulator") {
			t.Errorf("request %d: message %q", i, msg)
		}
		if got := rec.Header().Get("Retry-After"); (want == 429) != (got == "1") {
			t.Errorf("request %d: HTTP %d Retry-After = %q", i, want, got)
		}
		if _, ok := e.JelouIntegration("p1"); ok {
			t.Fatalf("request %d: a status fault acted", i)
		}
	}
	expectStatus(t, do(t, e, "POST", jelouPath+"p1", body, jelouKey...), http.StatusOK)
	if got := e.RouteCounts(); got[RouteJelouCreate] != 4 || got[RouteJelouGet] != 1 {
		t.Errorf("RouteCounts = %v", got)
	}
	if got := e.ScriptedCounts(); len(got) != 1 || got[RouteJelouCreate] != 3 {
		t.Errorf("ScriptedCounts = %v", got)
	}
	if got := e.FaultCounts(); len(got) != 0 {
		t.Errorf("FaultCounts = %v: scripted faults are counted per route, not as random ones", got)
	}
}

// Forever lasts until cleared; ResetRequests forgets the counts and keeps
// the script; Reset drops both.
func TestScriptForever(t *testing.T) {
	e := New(DefaultOptions())
	e.MustScript(RouteJurichatGet, Status(500), Forever)
	for range 3 {
		expectStatus(t, do(t, e, "GET", "/jurichat/webhooks/w1", nil, jurichatToken...), 500)
	}
	e.ResetRequests()
	expectStatus(t, do(t, e, "GET", "/jurichat/webhooks/w1", nil, jurichatToken...), 500)
	if got := e.ScriptedCounts()[RouteJurichatGet]; got != 1 {
		t.Errorf("scripted count after ResetRequests = %d, want 1", got)
	}
	e.Unscript(RouteJurichatGet)
	expectStatus(t, do(t, e, "GET", "/jurichat/webhooks/w1", nil, jurichatToken...), 404)
	e.MustScript(RouteJurichatGet, Status(500), Forever)
	e.ClearScripts()
	expectStatus(t, do(t, e, "GET", "/jurichat/webhooks/w1", nil, jurichatToken...), 404)
	e.MustScript(RouteJurichatGet, Status(500), Forever)
	e.Reset()
	expectStatus(t, do(t, e, "GET", "/jurichat/webhooks/w1", nil, jurichatToken...), 404)
	if got := e.ScriptedCounts(); len(got) != 0 {
		t.Errorf("ScriptedCounts after Reset = %v", got)
	}
}

func TestScriptRejects(t *testing.T) {
	e := New(DefaultOptions())
	if err := e.Script("jelou.create", Status(500), 1); err == nil || !strings.Contains(err.Error(), RouteJelouCreate) {
		t.Errorf("unknown route: err = %v, want one listing the routes", err)
	}
	for _, n := range []int{0, -2} {
		if err := e.Script(RouteJelouCreate, Status(500), n); err == nil {
			t.Errorf("count %d accepted", n)
		}
	}
	if err := e.Script(RouteJelouCreate, Fault{}, 1); err == nil {
		t.Error("an empty fault was accepted")
	}
	for _, bad := range []string{"200", "timeout", "slow:", "slow:-1s", "slow:soon", "rate-limit"} {
		if _, err := ParseFault(bad); err == nil {
			t.Errorf("ParseFault(%q) accepted", bad)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"503", "503"}, {" reset ", "reset"}, {"commit-reset", "commit-reset"}, {"slow", "slow"}, {"slow:1500ms", "slow:1.5s"},
	} {
		in, want := tc.in, tc.want
		if f, err := ParseFault(in); err != nil || f.String() != want {
			t.Errorf("ParseFault(%q) = %v, %v; want %s", in, f, err, want)
		}
	}
}

// A scripted fault replaces the random draw, which is still made: the
// random sequence of the other requests does not move.
func TestScriptKeepsTheRandomSequence(t *testing.T) {
	statuses := func(script bool) []int {
		e := New(Options{Faults: "500=0.5", Seed: 7})
		if script {
			e.MustScript(RouteJurichatList, Status(418), 1)
		}
		var out []int
		for range 20 {
			out = append(out, do(t, e, "GET", "/jurichat/webhooks", nil, jurichatToken...).Code)
		}
		return out
	}
	plain, scripted := statuses(false), statuses(true)
	if scripted[0] != 418 {
		t.Fatalf("first request answered %d, want the scripted 418", scripted[0])
	}
	if jsonOf(t, plain[1:]) != jsonOf(t, scripted[1:]) {
		t.Errorf("random answers moved: %v without the script, %v with it", plain, scripted)
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// reset, commit-reset and slow over a real connection.
func TestScriptConnectionFaults(t *testing.T) {
	e := New(DefaultOptions())
	url := serve(t, e)
	client := freshConnections(t)
	hook := `{"name":"n","url":"https://a.example/h","events":["webhook.test"]}`

	e.MustScript(RouteJurichatCreate, Reset, 1)
	e.MustScript(RouteJurichatCreate, CommitReset, 1)
	if _, _, err := send(t, client, "POST", url+"/jurichat/webhooks", hook, jurichatToken...); err == nil || !isDropped(err) {
		t.Fatalf("reset: err = %v, want a dropped connection", err)
	}
	if n := len(e.JurichatWebhooks()); n != 0 {
		t.Fatalf("reset stored %d webhooks", n)
	}
	if _, _, err := send(t, client, "POST", url+"/jurichat/webhooks", hook, jurichatToken...); err == nil || !isDropped(err) {
		t.Fatalf("commit-reset: err = %v, want a dropped connection", err)
	}
	if n := len(e.JurichatWebhooks()); n != 1 {
		t.Fatalf("commit-reset stored %d webhooks, want 1", n)
	}

	// slow: served after the delay; a client that gives up first meets nothing acted on.
	e.MustScript(RouteJelouCreate, Slow(300*time.Millisecond), 2)
	start := time.Now()
	status, _, err := send(t, client, "POST", url+jelouPath+"p1", `{"webhookUrl":"https://a.example/h"}`, jelouKey...)
	if err != nil || status != http.StatusOK || time.Since(start) < 300*time.Millisecond {
		t.Fatalf("slow: status %d, err %v after %v", status, err, time.Since(start))
	}
	impatient := freshConnections(t)
	impatient.Timeout = 50 * time.Millisecond
	if _, _, err := send(t, impatient, "POST", url+jelouPath+"p2", `{"webhookUrl":"https://a.example/h"}`, jelouKey...); err == nil {
		t.Fatal("slow: an impatient client got an answer")
	}
	time.Sleep(400 * time.Millisecond)
	if _, ok := e.JelouIntegration("p2"); ok {
		t.Error("slow acted for a client that had gone")
	}
	if got := e.ScriptedCounts(); got[RouteJurichatCreate] != 2 || got[RouteJelouCreate] != 2 {
		t.Errorf("ScriptedCounts = %v", got)
	}
}

// A Go-only custom fault writes its own answer, and may serve the request first.
func TestScriptCustom(t *testing.T) {
	e := New(DefaultOptions())
	e.MustScript(RouteJelouCreate, Custom("teapot-after-acting", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		next.ServeHTTP(discardResponse{header: http.Header{}}, r)
		w.WriteHeader(http.StatusTeapot)
	}), 1)
	expectStatus(t, do(t, e, "POST", jelouPath+"p1", obj{"webhookUrl": "https://a.example/h"}, jelouKey...), http.StatusTeapot)
	if _, ok := e.JelouIntegration("p1"); !ok {
		t.Error("the custom fault's next did not act")
	}
}

// The control routes script, list and clear faults by name.
func TestControlScript(t *testing.T) {
	e := New(DefaultOptions())
	expectStatus(t, do(t, e, "POST", "/_emulator/script", obj{"route": RouteJelouGet, "fault": "503", "times": 2}), http.StatusOK)
	rec := do(t, e, "POST", "/_emulator/script", obj{"route": RouteJelouDelete, "fault": "slow:2s", "times": -1})
	expectStatus(t, rec, http.StatusOK)
	var doc struct {
		Routes  []Route          `json:"routes"`
		Pending []scriptEntryDoc `json:"pending"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Routes) != len(RouteTable()) || doc.Routes[0] != RouteTable()[0] {
		t.Errorf("routes = %+v", doc.Routes)
	}
	want := []scriptEntryDoc{{RouteJelouGet, "503", 2}, {RouteJelouDelete, "slow:2s", -1}}
	if jsonOf(t, doc.Pending) != jsonOf(t, want) {
		t.Errorf("pending = %+v, want %+v", doc.Pending, want)
	}
	expectStatus(t, do(t, e, "GET", jelouPath+"p1", nil, jelouKey...), http.StatusServiceUnavailable)

	var state struct{ Routes, Scripted map[string]int }
	if err := json.Unmarshal(do(t, e, "GET", "/_emulator/state", nil).Body.Bytes(), &state); err != nil {
		t.Fatal(err)
	}
	if state.Routes[RouteJelouGet] != 1 || state.Scripted[RouteJelouGet] != 1 {
		t.Errorf("state routes %v, scripted %v", state.Routes, state.Scripted)
	}

	expectStatus(t, do(t, e, "DELETE", "/_emulator/script?route="+RouteJelouGet, nil), http.StatusNoContent)
	expectStatus(t, do(t, e, "GET", jelouPath+"p1", nil, jelouKey...), http.StatusNotFound)
	expectStatus(t, do(t, e, "DELETE", "/_emulator/script", nil), http.StatusNoContent)
	if rec := do(t, e, "GET", "/_emulator/script", nil); !strings.Contains(rec.Body.String(), `"pending":[]`) {
		t.Errorf("after clearing: %s", rec.Body.String())
	}

	for name, body := range map[string]any{
		"unknown route": obj{"route": "jelou.nothing", "fault": "500"},
		"unknown fault": obj{"route": RouteJelouGet, "fault": "timeout"},
		"zero times":    obj{"route": RouteJelouGet, "fault": "500", "times": 0},
		"unknown field": obj{"route": RouteJelouGet, "fault": "500", "count": 2},
		"not JSON":      "route=x",
	} {
		rec := do(t, e, "POST", "/_emulator/script", body)
		expectStatus(t, rec, http.StatusBadRequest)
		if !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("%s: body %s", name, rec.Body.String())
		}
	}
	expectStatus(t, do(t, e, "DELETE", "/_emulator/script?route=jelou.nothing", nil), http.StatusBadRequest)
}

func TestParseScript(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"jelou.integration.create=503", "jelou.integration.create=503"},
		{" jurichat.webhook.get=reset*3 ", "jurichat.webhook.get=reset*3"},
		{"jelou.secret.regenerate=commit-reset*1", "jelou.secret.regenerate=commit-reset"},
		{"jurichat.webhook.create=slow:2s*forever", "jurichat.webhook.create=slow:2s*forever"},
		{"jurichat.delivery.retry=429*forever", "jurichat.delivery.retry=429*forever"},
	} {
		in, want := tc.in, tc.want
		got, err := ParseScript(in)
		if err != nil || got.String() != want {
			t.Errorf("ParseScript(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for in, msg := range map[string]string{
		"jelou.integration.create":         "want ROUTE=FAULT",
		"=503":                             "want ROUTE=FAULT",
		"jelou.create=503":                 `unknown route "jelou.create"; routes: jelou.integration.create`,
		"jelou.integration.create=503*0":   `count "0"`,
		"jelou.integration.create=503*two": `count "two"`,
		"jelou.integration.create=timeout": `unknown fault kind "timeout"`,
	} {
		if _, err := ParseScript(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseScript(%q) = %v, want an error containing %q", in, err, msg)
		}
	}
}
