package emulator

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

var documentedEvents = []string{
	"crm.lead.created", "crm.lead.updated", "crm.lead.deleted", "crm.lead.moved",
	"chat.conversation.created", "chat.conversation.updated", "chat.conversation.assigned",
	"contact.created", "contact.updated", "contact.deleted", "webhook.test",
}

func TestJurichatAuth(t *testing.T) {
	custom := Options{JurichatToken: "t-custom", JurichatAPIKey: "k-custom"}
	tests := []struct {
		name string
		opts Options
		auth []string
		want int
	}{
		{"no credentials", Options{}, nil, http.StatusUnauthorized},
		{"bearer", Options{}, jurichatToken, http.StatusOK},
		{"bearer lower-case scheme", Options{}, []string{"Authorization", "bearer " + DefaultJurichatToken}, http.StatusOK},
		{"wrong bearer", Options{}, []string{"Authorization", "Bearer nope"}, http.StatusUnauthorized},
		{"empty bearer", Options{}, []string{"Authorization", "Bearer "}, http.StatusUnauthorized},
		{"token without scheme", Options{}, []string{"Authorization", DefaultJurichatToken}, http.StatusUnauthorized},
		{"basic scheme", Options{}, []string{"Authorization", "Basic " + DefaultJurichatToken}, http.StatusUnauthorized},
		{"api key", Options{}, jurichatKey, http.StatusOK},
		{"wrong api key", Options{}, []string{"x-jurichat-api-key", "nope"}, http.StatusUnauthorized},
		{"jelou key is not accepted", Options{}, jelouKey, http.StatusUnauthorized},
		{"custom token", custom, []string{"Authorization", "Bearer t-custom"}, http.StatusOK},
		{"custom key", custom, []string{"x-jurichat-api-key", "k-custom"}, http.StatusOK},
		{"default token refused when customised", custom, jurichatToken, http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, New(tc.opts), "GET", "/jurichat/webhooks", nil, tc.auth...)
			expectStatus(t, rec, tc.want)
			if tc.want != http.StatusUnauthorized {
				return
			}
			body := decode[obj](t, rec)
			if body["statusCode"] != float64(401) || body["error"] != "Unauthorized" {
				t.Errorf("401 body = %v", body)
			}
			if m, _ := body["message"].(string); m == "" {
				t.Error("401 body has no message")
			}
		})
	}
}

func TestJurichatCreate(t *testing.T) {
	e := New(Options{})
	newFakeClock(e)
	rec := do(t, e, "POST", "/jurichat/webhooks", obj{
		"name": "CRM sync", "url": "https://crm.example.com/hook", "events": []string{"crm.lead.created", "contact.updated"},
		"description": "to the CRM", "headers": obj{"X-Team": "sales"},
	}, jurichatToken...)
	expectStatus(t, rec, http.StatusCreated)
	h := decode[obj](t, rec)
	if id, _ := h["id"].(string); !uuidLike.MatchString(id) {
		t.Errorf("id %q is not a UUID", id)
	}
	if s, _ := h["secret"].(string); !hex64.MatchString(s) {
		t.Error("secret is not 64 lowercase hex characters")
	}
	want := obj{"officeId": OfficeID, "name": "CRM sync", "description": "to the CRM", "url": "https://crm.example.com/hook",
		"isActive": true, "createdAt": "2026-01-15T10:30:00.123Z", "updatedAt": "2026-01-15T10:30:00.123Z"}
	for k, v := range want {
		if h[k] != v {
			t.Errorf("%s = %v, want %v", k, h[k], v)
		}
	}
	if fmt.Sprint(h["events"]) != "[crm.lead.created contact.updated]" || fmt.Sprint(h["headers"]) != "map[X-Team:sales]" {
		t.Errorf("events/headers = %v/%v", h["events"], h["headers"])
	}
	stored, ok := e.JurichatWebhook(h["id"].(string))
	if !ok || stored.Secret != h["secret"] || stored.Headers["X-Team"] != "sales" || *stored.Description != "to the CRM" {
		t.Error("stored webhook does not match the create response")
	}

	// Defaults: no description (null), no headers ({}), active.
	minimal := createHook(t, e, hookBody("https://crm.example.com/min"))
	if v, ok := minimal["description"]; !ok || v != nil {
		t.Errorf("description = %v (present %v), want null", v, ok)
	}
	if hs, ok := minimal["headers"].(obj); !ok || len(hs) != 0 {
		t.Errorf("headers = %v, want {}", minimal["headers"])
	}
	if minimal["secret"] == h["secret"] || minimal["id"] == h["id"] {
		t.Error("two webhooks share an id or secret")
	}

	paused := createHook(t, e, obj{"name": "p", "url": "https://x.example/h", "events": []string{"webhook.test"}, "isActive": false, "description": nil, "headers": nil})
	if paused["isActive"] != false || paused["description"] != nil {
		t.Errorf("isActive/description = %v/%v", paused["isActive"], paused["description"])
	}

	// The trailing-slash form of the path works too.
	expectStatus(t, do(t, e, "POST", "/jurichat/webhooks/", hookBody("https://x.example/slash"), jurichatKey...), http.StatusCreated)
	expectStatus(t, do(t, e, "GET", "/jurichat/webhooks/", nil, jurichatKey...), http.StatusOK)
}

func TestJurichatCreateValidation(t *testing.T) {
	valid := func(mod func(obj)) obj {
		b := obj{"name": "n", "url": "https://x.example/h", "events": []string{"webhook.test"}}
		mod(b)
		return b
	}
	long := func(n int) string { return strings.Repeat("é", n) }
	tests := []struct {
		name string
		body any
		msg  string
	}{
		{"empty body", nil, "body must be object"},
		{"malformed JSON", `{"name":`, "not valid JSON"},
		{"array body", `[]`, "body must be object"},
		{"missing name", valid(func(b obj) { delete(b, "name") }), "required property 'name'"},
		{"missing url", valid(func(b obj) { delete(b, "url") }), "required property 'url'"},
		{"missing events", valid(func(b obj) { delete(b, "events") }), "required property 'events'"},
		{"null name", valid(func(b obj) { b["name"] = nil }), "required property 'name'"},
		{"number name", valid(func(b obj) { b["name"] = 7 }), "body/name must be string"},
		{"empty name", valid(func(b obj) { b["name"] = "" }), "body/name must NOT have fewer than 1 characters"},
		{"long name", valid(func(b obj) { b["name"] = long(101) }), "body/name must NOT have more than 100 characters"},
		{"number url", valid(func(b obj) { b["url"] = 1 }), "body/url must be string"},
		{"relative url", valid(func(b obj) { b["url"] = "/hook" }), "body/url must be an absolute URL"},
		{"http url", valid(func(b obj) { b["url"] = "http://x.example/h" }), "body/url must use https"},
		{"userinfo url", valid(func(b obj) { b["url"] = "https://u:p@x.example/h" }), "body/url must not contain a user name or password"},
		{"events not array", valid(func(b obj) { b["events"] = "webhook.test" }), "body/events must be array"},
		{"events empty", valid(func(b obj) { b["events"] = []string{} }), "body/events must NOT have fewer than 1 items"},
		{"event not string", valid(func(b obj) { b["events"] = []any{"webhook.test", 3} }), "body/events/1 must be string"},
		{"unknown events", valid(func(b obj) { b["events"] = []string{"webhook.test", "lead.created", "x"} }), `unknown events: "lead.created", "x"`},
		{"description number", valid(func(b obj) { b["description"] = 1 }), "body/description must be string"},
		{"description too long", valid(func(b obj) { b["description"] = long(501) }), "body/description must NOT have more than 500 characters"},
		{"isActive string", valid(func(b obj) { b["isActive"] = "yes" }), "body/isActive must be boolean"},
		{"isActive null", valid(func(b obj) { b["isActive"] = nil }), "body/isActive must be boolean"},
		{"headers array", valid(func(b obj) { b["headers"] = []string{"a"} }), "body/headers must be object"},
		{"header value number", valid(func(b obj) { b["headers"] = obj{"X-A": 1} }), "body/headers/X-A must be string"},
		{"header value null", valid(func(b obj) { b["headers"] = obj{"X-A": nil} }), "body/headers/X-A must be string"},
		{"header name with space", valid(func(b obj) { b["headers"] = obj{"X A": "v"} }), "invalid HTTP header name"},
		{"header value with newline", valid(func(b obj) { b["headers"] = obj{"X-A": "v\r\nX-B: w"} }), "must not contain line breaks"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := New(Options{})
			rec := do(t, e, "POST", "/jurichat/webhooks", tc.body, jurichatKey...)
			expectStatus(t, rec, http.StatusBadRequest)
			body := decode[obj](t, rec)
			if body["statusCode"] != float64(400) || body["error"] != "Bad Request" {
				t.Errorf("body = %v", body)
			}
			if msg, _ := body["message"].(string); !strings.Contains(msg, tc.msg) {
				t.Errorf("message %q does not contain %q", msg, tc.msg)
			}
			if len(e.JurichatWebhooks()) != 0 {
				t.Error("an invalid create stored a webhook")
			}
		})
	}

	// The limits themselves are accepted (characters, not bytes).
	e := New(Options{})
	createHook(t, e, valid(func(b obj) { b["name"] = long(100); b["description"] = long(500) }))
	createHook(t, e, valid(func(b obj) { b["name"] = "x"; b["events"] = documentedEvents }))
}

func TestJurichatListAndGet(t *testing.T) {
	e := New(Options{})
	a := createHook(t, e, obj{"name": "a", "url": "https://a.example/h", "events": []string{"webhook.test"}, "headers": obj{"X-A": "1"}})
	b := createHook(t, e, hookBody("https://b.example/h", "contact.created"))

	rec := do(t, e, "GET", "/jurichat/webhooks", nil, jurichatKey...)
	expectStatus(t, rec, http.StatusOK)
	list := decode[[]obj](t, rec)
	if len(list) != 2 || list[0]["id"] != a["id"] || list[1]["id"] != b["id"] {
		t.Fatalf("list ids = %v, want [a b] in creation order", ids(list))
	}
	for _, h := range list {
		if hasKey(h, "secret") || hasKey(h, "headers") {
			t.Errorf("list item has secret or headers: keys %v", keys(h))
		}
		stats, _ := h["stats"].(obj)
		for _, k := range []string{"totalDeliveries", "successCount", "failedCount", "successRate"} {
			if stats[k] != float64(0) {
				t.Errorf("stats.%s = %v, want 0", k, stats[k])
			}
		}
		for _, k := range []string{"id", "officeId", "name", "description", "url", "events", "isActive", "createdAt", "updatedAt"} {
			if !hasKey(h, k) {
				t.Errorf("list item lacks %q", k)
			}
		}
	}

	rec = do(t, e, "GET", "/jurichat/webhooks/"+a["id"].(string), nil, jurichatToken...)
	expectStatus(t, rec, http.StatusOK)
	got := decode[obj](t, rec)
	if got["secret"] != a["secret"] || fmt.Sprint(got["headers"]) != "map[X-A:1]" || hasKey(got, "stats") {
		t.Errorf("get: secret matches %v, headers %v, keys %v", got["secret"] == a["secret"], got["headers"], keys(got))
	}

	rec = do(t, e, "GET", "/jurichat/webhooks/nope", nil, jurichatToken...)
	expectStatus(t, rec, http.StatusNotFound)
	if body := decode[obj](t, rec); body["statusCode"] != float64(404) || body["error"] != "Not Found" || !strings.Contains(body["message"].(string), "nope") {
		t.Errorf("404 body = %v", body)
	}

	// An empty list is [], not null.
	e.Reset()
	rec = do(t, e, "GET", "/jurichat/webhooks", nil, jurichatToken...)
	if strings.TrimSpace(rec.Body.String()) != "[]" {
		t.Errorf("empty list = %s", rec.Body.String())
	}
}

func TestJurichatListStats(t *testing.T) {
	e := New(Options{})
	clock := newFakeClock(e)
	h := createHook(t, e, hookBody("https://a.example/h"))
	id := h["id"].(string)
	other := createHook(t, e, hookBody("https://b.example/h"))["id"].(string)
	for _, st := range []string{DeliverySuccess, DeliverySuccess, DeliveryFailed, DeliveryPending, DeliveryRetrying, DeliverySuccess} {
		seedDelivery(e, id, "webhook.test", st, clock.now())
	}
	seedDelivery(e, other, "webhook.test", DeliveryFailed, clock.now())
	seedDelivery(e, id, "webhook.test", DeliveryFailed, clock.now().Add(-91*24*time.Hour)) // expired

	list := decode[[]obj](t, do(t, e, "GET", "/jurichat/webhooks", nil, jurichatKey...))
	stats := list[0]["stats"].(obj)
	want := obj{"totalDeliveries": 6.0, "successCount": 3.0, "failedCount": 1.0, "successRate": 50.0}
	for k, v := range want {
		if stats[k] != v {
			t.Errorf("stats.%s = %v, want %v", k, stats[k], v)
		}
	}
	if s := list[1]["stats"].(obj); s["failedCount"] != 1.0 || s["successRate"] != 0.0 {
		t.Errorf("other stats = %v", s)
	}
}

func TestJurichatUpdate(t *testing.T) {
	e := New(Options{})
	clock := newFakeClock(e)
	created := createHook(t, e, obj{"name": "n", "url": "https://a.example/h", "events": []string{"webhook.test"},
		"description": "d", "headers": obj{"X-A": "1", "X-B": "2"}})
	id := created["id"].(string)

	type state struct {
		name, url, desc, events, headers string
		active                           bool
	}
	steps := []struct {
		name string
		body any
		want state
	}{
		{"name only", obj{"name": "renamed"}, state{"renamed", "https://a.example/h", "d", "[webhook.test]", "map[X-A:1 X-B:2]", true}},
		{"url only", obj{"url": "http://127.0.0.1:9/h"}, state{"renamed", "http://127.0.0.1:9/h", "d", "[webhook.test]", "map[X-A:1 X-B:2]", true}},
		{"events replace the list", obj{"events": []string{"contact.created", "contact.deleted"}}, state{"renamed", "http://127.0.0.1:9/h", "d", "[contact.created contact.deleted]", "map[X-A:1 X-B:2]", true}},
		{"pause", obj{"isActive": false}, state{"renamed", "http://127.0.0.1:9/h", "d", "[contact.created contact.deleted]", "map[X-A:1 X-B:2]", false}},
		{"headers replace the map", obj{"headers": obj{"X-C": "3"}}, state{"renamed", "http://127.0.0.1:9/h", "d", "[contact.created contact.deleted]", "map[X-C:3]", false}},
		{"description set", obj{"description": "new"}, state{"renamed", "http://127.0.0.1:9/h", "new", "[contact.created contact.deleted]", "map[X-C:3]", false}},
		{"description null clears", obj{"description": nil}, state{"renamed", "http://127.0.0.1:9/h", "<nil>", "[contact.created contact.deleted]", "map[X-C:3]", false}},
		{"headers null clears", obj{"headers": nil}, state{"renamed", "http://127.0.0.1:9/h", "<nil>", "[contact.created contact.deleted]", "map[]", false}},
		{"empty object", obj{}, state{"renamed", "http://127.0.0.1:9/h", "<nil>", "[contact.created contact.deleted]", "map[]", false}},
		{"resume and unknown fields ignored", obj{"isActive": true, "secret": "x", "officeId": "o"}, state{"renamed", "http://127.0.0.1:9/h", "<nil>", "[contact.created contact.deleted]", "map[]", true}},
	}
	prev, _ := e.JurichatWebhook(id)
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clock.advance(time.Second)
			rec := do(t, e, "PATCH", "/jurichat/webhooks/"+id, st.body, jurichatKey...)
			expectStatus(t, rec, http.StatusOK)
			resp := decode[obj](t, rec)
			if hasKey(resp, "secret") {
				t.Error("update response has the secret")
			}
			if _, ok := resp["headers"].(obj); !ok {
				t.Error("update response lacks headers")
			}
			got, _ := e.JurichatWebhook(id)
			desc := "<nil>"
			if got.Description != nil {
				desc = *got.Description
			}
			have := state{got.Name, got.URL, desc, fmt.Sprint(got.Events), fmt.Sprint(got.Headers), got.IsActive}
			if have != st.want {
				t.Errorf("stored = %+v, want %+v", have, st.want)
			}
			if resp["name"] != got.Name || resp["url"] != got.URL || resp["isActive"] != got.IsActive || resp["updatedAt"] != iso(got.UpdatedAt) {
				t.Errorf("response does not match the stored webhook")
			}
			if (st.want.desc == "<nil>") != (resp["description"] == nil) {
				t.Errorf("response description = %v", resp["description"])
			}
			if got.Secret != created["secret"] || got.OfficeID != OfficeID || !got.CreatedAt.Equal(prev.CreatedAt) {
				t.Error("update changed secret, officeId or createdAt")
			}
			if !got.UpdatedAt.After(prev.UpdatedAt) {
				t.Error("updatedAt not bumped")
			}
			prev = got
		})
	}
}

func TestJurichatUpdateErrors(t *testing.T) {
	tests := []struct {
		name   string
		id     string // "" = the created webhook
		body   any
		status int
		msg    string
	}{
		{"unknown webhook", "nope", obj{"name": "x"}, 404, "Webhook nope not found"},
		{"events empty", "", obj{"events": []string{}}, 400, "body/events must NOT have fewer than 1 items"},
		{"events null", "", obj{"events": nil}, 400, "body/events must be array"},
		{"unknown event", "", obj{"events": []string{"nope"}}, 400, `unknown events: "nope"`},
		{"name null", "", obj{"name": nil}, 400, "body/name must be string"},
		{"name empty", "", obj{"name": ""}, 400, "fewer than 1 characters"},
		{"url null", "", obj{"url": nil}, 400, "body/url must be string"},
		{"url http", "", obj{"url": "http://a.example/h"}, 400, "must use https"},
		{"isActive null", "", obj{"isActive": nil}, 400, "body/isActive must be boolean"},
		{"description long", "", obj{"description": strings.Repeat("x", 501)}, 400, "more than 500 characters"},
		{"headers string", "", obj{"headers": "X-A: 1"}, 400, "body/headers must be object"},
		{"empty body", "", nil, 400, "body must be object"},
		{"malformed", "", `{`, 400, "not valid JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := New(Options{})
			id := createHook(t, e, hookBody("https://a.example/h"))["id"].(string)
			before, _ := e.JurichatWebhook(id)
			target := tc.id
			if target == "" {
				target = id
			}
			rec := do(t, e, "PATCH", "/jurichat/webhooks/"+target, tc.body, jurichatKey...)
			expectStatus(t, rec, tc.status)
			if msg := errorMessage(t, rec); !strings.Contains(msg, tc.msg) {
				t.Errorf("message %q does not contain %q", msg, tc.msg)
			}
			after, _ := e.JurichatWebhook(id)
			if fmt.Sprint(after) != fmt.Sprint(before) {
				t.Error("a rejected update changed the webhook")
			}
		})
	}
}

func TestJurichatDelete(t *testing.T) {
	e := New(Options{})
	id := createHook(t, e, hookBody("https://a.example/h"))["id"].(string)
	keep := createHook(t, e, hookBody("https://b.example/h"))["id"].(string)
	d := seedDelivery(e, id, "webhook.test", DeliveryFailed, e.now())
	seedDelivery(e, keep, "webhook.test", DeliveryFailed, e.now())

	rec := do(t, e, "DELETE", "/jurichat/webhooks/"+id, nil, jurichatToken...)
	expectStatus(t, rec, http.StatusNoContent)
	if rec.Body.Len() != 0 {
		t.Errorf("204 with a body: %q", rec.Body.String())
	}
	expectStatus(t, do(t, e, "GET", "/jurichat/webhooks/"+id, nil, jurichatToken...), http.StatusNotFound)
	expectStatus(t, do(t, e, "DELETE", "/jurichat/webhooks/"+id, nil, jurichatToken...), http.StatusNotFound)
	expectStatus(t, do(t, e, "POST", "/jurichat/webhooks/deliveries/"+d+"/retry", nil, jurichatToken...), http.StatusNotFound)
	if len(e.JurichatDeliveries(keep)) != 1 || len(e.JurichatWebhooks()) != 1 {
		t.Error("deleting one webhook touched another")
	}
}

func TestJurichatEvents(t *testing.T) {
	e := New(Options{})
	rec := do(t, e, "GET", "/jurichat/webhooks/events", nil, jurichatKey...)
	expectStatus(t, rec, http.StatusOK)
	events := decode[[]obj](t, rec)
	var names []string
	for _, ev := range events {
		names = append(names, ev["name"].(string))
		if d, _ := ev["description"].(string); d == "" {
			t.Errorf("event %v has no description", ev["name"])
		}
		if len(ev) != 2 {
			t.Errorf("event %v has keys %v, want name and description", ev["name"], keys(ev))
		}
	}
	if !slices.Equal(names, documentedEvents) {
		t.Errorf("catalogue = %v, want %v", names, documentedEvents)
	}
	if len(JurichatEvents()) != 11 {
		t.Error("JurichatEvents() does not return the 11 documented events")
	}
}

// seedDelivery adds a delivery to the log directly and returns its id.
func seedDelivery(e *Emulator, webhookID, event, status string, at time.Time) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	at = at.UTC().Truncate(time.Millisecond)
	code := 200
	if status != DeliverySuccess {
		code = 500
	}
	d := JurichatDelivery{
		ID: newUUID(), WebhookID: webhookID, Event: event, Status: status, StatusCode: &code,
		Payload:      []byte(fmt.Sprintf(`{"event":%q,"timestamp":%q}`, event, iso(at))),
		AttemptCount: 1, CreatedAt: at, ExpiresAt: at.Add(deliveryRetention),
	}
	e.deliveries[d.ID] = &deliveryEntry{JurichatDelivery: d, seq: e.nextSeq()}
	return d.ID
}

func TestJurichatDeliveryLog(t *testing.T) {
	e := New(Options{})
	clock := newFakeClock(e)
	id := createHook(t, e, hookBody("https://a.example/h"))["id"].(string)
	other := createHook(t, e, hookBody("https://b.example/h"))["id"].(string)
	var seeded []string // oldest first
	for i := 0; i < 45; i++ {
		clock.advance(time.Minute)
		event, status := "webhook.test", DeliverySuccess
		if i%3 == 0 {
			event = "contact.created"
		}
		if i%5 == 0 {
			status = DeliveryFailed
		}
		seeded = append(seeded, seedDelivery(e, id, event, status, clock.now()))
	}
	seedDelivery(e, other, "webhook.test", DeliverySuccess, clock.now())
	seedDelivery(e, id, "webhook.test", DeliverySuccess, clock.now().Add(-100*24*time.Hour)) // expired: hidden
	newestFirst := slices.Clone(seeded)
	slices.Reverse(newestFirst)

	tests := []struct {
		query                    string
		wantIDs                  []string
		total, page, limit, pags int
	}{
		{"", newestFirst[:20], 45, 1, 20, 3},
		{"?page=2", newestFirst[20:40], 45, 2, 20, 3},
		{"?page=3", newestFirst[40:], 45, 3, 20, 3},
		{"?page=4", nil, 45, 4, 20, 3},
		{"?limit=100", newestFirst, 45, 1, 100, 1},
		{"?limit=1&page=45", newestFirst[44:], 45, 45, 1, 45},
		{"?status=FAILED", filterIDs(newestFirst, func(i int) bool { return i%5 == 0 }, seeded), 9, 1, 20, 1},
		{"?event=contact.created&limit=5", filterIDs(newestFirst, func(i int) bool { return i%3 == 0 }, seeded)[:5], 15, 1, 5, 3},
		{"?event=contact.created&status=FAILED", filterIDs(newestFirst, func(i int) bool { return i%15 == 0 }, seeded), 3, 1, 20, 1},
		{"?status=PENDING", nil, 0, 1, 20, 0},
		{"?event=crm.lead.created", nil, 0, 1, 20, 0},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			rec := do(t, e, "GET", "/jurichat/webhooks/"+id+"/deliveries"+tc.query, nil, jurichatKey...)
			expectStatus(t, rec, http.StatusOK)
			page := decode[obj](t, rec)
			data, ok := page["data"].([]any)
			if !ok {
				t.Fatalf("data is not an array: %v", page["data"])
			}
			var got []string
			for _, d := range data {
				got = append(got, d.(obj)["id"].(string))
			}
			if !slices.Equal(got, tc.wantIDs) {
				t.Errorf("ids = %d items, want %d (newest first)", len(got), len(tc.wantIDs))
			}
			for k, v := range map[string]int{"total": tc.total, "page": tc.page, "limit": tc.limit, "totalPages": tc.pags} {
				if page[k] != float64(v) {
					t.Errorf("%s = %v, want %d", k, page[k], v)
				}
			}
		})
	}

	// Shape of one delivery in the page.
	page := decode[obj](t, do(t, e, "GET", "/jurichat/webhooks/"+id+"/deliveries?limit=1", nil, jurichatKey...))
	d := page["data"].([]any)[0].(obj)
	for _, k := range []string{"id", "webhookId", "event", "status", "statusCode", "payload", "responseBody",
		"errorMessage", "durationMs", "attemptCount", "nextRetryAt", "createdAt", "expiresAt"} {
		if !hasKey(d, k) {
			t.Errorf("delivery lacks %q", k)
		}
	}
	if d["webhookId"] != id || d["attemptCount"] != 1.0 {
		t.Errorf("delivery webhookId/attemptCount = %v/%v", d["webhookId"], d["attemptCount"])
	}
	if _, ok := d["payload"].(obj); !ok {
		t.Errorf("payload is not a JSON object: %v", d["payload"])
	}
}

func filterIDs(newestFirst []string, keep func(seedIndex int) bool, seeded []string) []string {
	var out []string
	for _, id := range newestFirst {
		if keep(slices.Index(seeded, id)) {
			out = append(out, id)
		}
	}
	return out
}

func TestJurichatDeliveryLogErrors(t *testing.T) {
	e := New(Options{})
	id := createHook(t, e, hookBody("https://a.example/h"))["id"].(string)
	tests := []struct {
		path   string
		status int
		msg    string
	}{
		{id + "/deliveries?limit=101", 400, "querystring/limit must be <= 100"},
		{id + "/deliveries?limit=0", 400, "querystring/limit must be >= 1"},
		{id + "/deliveries?limit=ten", 400, "querystring/limit must be integer"},
		{id + "/deliveries?page=0", 400, "querystring/page must be >= 1"},
		{id + "/deliveries?page=-1", 400, "querystring/page must be >= 1"},
		{id + "/deliveries?page=1.5", 400, "querystring/page must be integer"},
		{id + "/deliveries?status=DONE", 400, "PENDING, SUCCESS, FAILED, RETRYING"},
		{id + "/deliveries?status=failed", 400, "allowed values"},
		{"nope/deliveries", 404, "Webhook nope not found"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			rec := do(t, e, "GET", "/jurichat/webhooks/"+tc.path, nil, jurichatKey...)
			expectStatus(t, rec, tc.status)
			if msg := errorMessage(t, rec); !strings.Contains(msg, tc.msg) {
				t.Errorf("message %q does not contain %q", msg, tc.msg)
			}
		})
	}
}

func TestJurichatOneDelivery(t *testing.T) {
	e := New(Options{})
	clock := newFakeClock(e)
	id := createHook(t, e, hookBody("https://a.example/h"))["id"].(string)
	other := createHook(t, e, hookBody("https://b.example/h"))["id"].(string)
	d := seedDelivery(e, id, "webhook.test", DeliveryFailed, clock.now())
	old := seedDelivery(e, id, "webhook.test", DeliveryFailed, clock.now().Add(-90*24*time.Hour))

	rec := do(t, e, "GET", "/jurichat/webhooks/"+id+"/deliveries/"+d, nil, jurichatKey...)
	expectStatus(t, rec, http.StatusOK)
	got := decode[obj](t, rec)
	if got["id"] != d || got["status"] != DeliveryFailed || got["statusCode"] != 500.0 || got["createdAt"] != iso(clock.now()) ||
		got["expiresAt"] != iso(clock.now().Add(90*24*time.Hour)) {
		t.Errorf("delivery = %v", got)
	}

	for name, path := range map[string]string{
		"other webhook":    other + "/deliveries/" + d,
		"unknown delivery": id + "/deliveries/nope",
		"unknown webhook":  "nope/deliveries/" + d,
		"expired":          id + "/deliveries/" + old,
	} {
		t.Run(name, func(t *testing.T) {
			rec := do(t, e, "GET", "/jurichat/webhooks/"+path, nil, jurichatKey...)
			expectStatus(t, rec, http.StatusNotFound)
			if b := decode[obj](t, rec); b["error"] != "Not Found" {
				t.Errorf("body = %v", b)
			}
		})
	}
}

func TestJurichatRetry(t *testing.T) {
	tests := []struct {
		status string
		want   int
	}{
		{DeliveryFailed, 200},
		{DeliveryRetrying, 200},
		{DeliverySuccess, 400},
		{DeliveryPending, 400},
	}
	for _, tc := range tests {
		t.Run(tc.status, func(t *testing.T) {
			release := make(chan struct{})
			rc := newReceiver(t, http.StatusOK, "thanks")
			gated := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				<-release
				rc.Config.Handler.ServeHTTP(w, r)
			}))
			t.Cleanup(gated.Close)
			e := New(Options{})
			t.Cleanup(e.Stop)
			clock := newFakeClock(e)
			id := createHook(t, e, hookBody(gated.URL+"/h"))["id"].(string)
			d := seedDelivery(e, id, "webhook.test", tc.status, clock.now())
			rec := do(t, e, "POST", "/jurichat/webhooks/deliveries/"+d+"/retry", nil, jurichatToken...)
			expectStatus(t, rec, tc.want)
			stored := e.JurichatDeliveries(id)[0]
			if tc.want != 200 {
				close(release)
				if msg := errorMessage(t, rec); !strings.Contains(msg, "only FAILED or RETRYING") {
					t.Errorf("message = %q", msg)
				}
				if stored.Status != tc.status {
					t.Error("a refused retry changed the status")
				}
				e.WaitDeliveries()
				if n := len(rc.received()); n != 0 {
					t.Errorf("a refused retry was delivered %d times", n)
				}
				return
			}
			body := decode[obj](t, rec)
			if body["deliveryId"] != d || body["message"] == "" || len(body) != 2 {
				t.Errorf("retry body = %v", body)
			}
			// Until the receiver answers, the delivery is PENDING with its next attempt due now.
			if stored.Status != DeliveryPending || stored.NextRetryAt == nil {
				t.Errorf("stored status = %s, nextRetryAt %v", stored.Status, stored.NextRetryAt)
			}
			page := decode[obj](t, do(t, e, "GET", "/jurichat/webhooks/"+id+"/deliveries/"+d, nil, jurichatToken...))
			if page["status"] != DeliveryPending || page["nextRetryAt"] != iso(clock.now()) {
				t.Errorf("after retry: status %v nextRetryAt %v", page["status"], page["nextRetryAt"])
			}
			close(release)
			e.WaitDeliveries()
			after := e.JurichatDeliveries(id)[0]
			if after.Status != DeliverySuccess || after.AttemptCount != 2 || after.NextRetryAt != nil ||
				after.StatusCode == nil || *after.StatusCode != 200 || after.ResponseBody == nil || *after.ResponseBody != "thanks" ||
				after.ErrorMessage != nil {
				t.Errorf("after the new attempt: %+v", after)
			}
			if got := rc.only(t); got.header.Get("X-JuriChat-Delivery") != d {
				t.Errorf("X-JuriChat-Delivery = %q, want %q", got.header.Get("X-JuriChat-Delivery"), d)
			}
		})
	}
	e := New(Options{})
	rec := do(t, e, "POST", "/jurichat/webhooks/deliveries/nope/retry", nil, jurichatToken...)
	expectStatus(t, rec, http.StatusNotFound)
}

// TestJurichatRetryFollowsReceiver: a retried delivery goes to the webhook's
// URL and headers as they are now, signed with its current secret, with the
// same body; its status, attempt count, status code, response body and error
// follow each answer of the receiver.
func TestJurichatRetryFollowsReceiver(t *testing.T) {
	broken := newReceiver(t, http.StatusServiceUnavailable, "down for maintenance")
	fixed := newReceiver(t, http.StatusServiceUnavailable, "still warming up")
	e := New(Options{})
	t.Cleanup(e.Stop)
	hook := createHook(t, e, obj{"name": "n", "url": broken.URL + "/h", "events": []string{"contact.created"},
		"headers": obj{"X-Token": "one"}})
	id := hook["id"].(string)
	rec := do(t, e, "POST", "/_emulator/jurichat/webhooks/"+id+"/deliver?event=contact.created", nil)
	expectStatus(t, rec, http.StatusServiceUnavailable)
	first := e.JurichatDeliveries(id)[0]
	if first.Status != DeliveryFailed || first.AttemptCount != 1 || *first.ErrorMessage != "receiver answered HTTP 503" {
		t.Fatalf("first attempt: %+v", first)
	}

	// The URL is fixed, the headers and the secret change.
	e.ModifyJurichatWebhook(id, func(h *JurichatWebhook) {
		h.URL, h.Headers, h.Secret = fixed.URL+"/h", map[string]string{"X-Token": "two"}, strings.Repeat("b", 64)
	})
	retry := func() JurichatDelivery {
		t.Helper()
		expectStatus(t, do(t, e, "POST", "/jurichat/webhooks/deliveries/"+first.ID+"/retry", nil, jurichatKey...), http.StatusOK)
		e.WaitDeliveries()
		return e.JurichatDeliveries(id)[0]
	}
	second := retry()
	if second.Status != DeliveryFailed || second.AttemptCount != 2 || *second.StatusCode != 503 ||
		*second.ResponseBody != "still warming up" || *second.ErrorMessage != "receiver answered HTTP 503" {
		t.Errorf("second attempt: %+v", second)
	}
	fixed.mu.Lock()
	fixed.status, fixed.reply = http.StatusOK, "ok"
	fixed.mu.Unlock()
	third := retry()
	if third.Status != DeliverySuccess || third.AttemptCount != 3 || *third.StatusCode != 200 ||
		*third.ResponseBody != "ok" || third.ErrorMessage != nil {
		t.Errorf("third attempt: %+v", third)
	}

	if n := len(broken.received()); n != 1 {
		t.Errorf("the old URL got %d requests, want only the first attempt", n)
	}
	got := fixed.received()
	if len(got) != 2 {
		t.Fatalf("the new URL got %d requests, want 2", len(got))
	}
	for _, r := range got {
		if !bytes.Equal(r.body, first.Payload) {
			t.Error("a retry sent another body than the delivery's payload")
		}
		if r.header.Get("X-JuriChat-Signature") != hmacHex(strings.Repeat("b", 64), r.body) {
			t.Error("a retry is not signed with the webhook's current secret")
		}
		if r.header.Get("X-Token") != "two" || r.header.Get("X-JuriChat-Delivery") != first.ID {
			t.Errorf("retry headers: X-Token %q, X-JuriChat-Delivery %q", r.header.Get("X-Token"), r.header.Get("X-JuriChat-Delivery"))
		}
	}
	// Listed stats follow the log.
	list := decode[[]obj](t, do(t, e, "GET", "/jurichat/webhooks", nil, jurichatKey...))
	if stats := list[0]["stats"].(obj); stats["successCount"] != float64(1) || stats["failedCount"] != float64(0) {
		t.Errorf("stats = %v", stats)
	}
}

// TestJurichatRetryPausedOrUnreachable: a retry of a paused webhook's
// delivery fails unsent; one to an unreachable receiver fails with the
// reason and no status code.
func TestJurichatRetryPausedOrUnreachable(t *testing.T) {
	e := New(Options{})
	t.Cleanup(e.Stop)
	clock := newFakeClock(e)
	id := createHook(t, e, hookBody(closedURL()))["id"].(string)
	d := seedDelivery(e, id, "webhook.test", DeliveryFailed, clock.now())
	expectStatus(t, do(t, e, "POST", "/jurichat/webhooks/deliveries/"+d+"/retry", nil, jurichatKey...), http.StatusOK)
	e.WaitDeliveries()
	got := e.JurichatDeliveries(id)[0]
	if got.Status != DeliveryFailed || got.AttemptCount != 2 || got.StatusCode != nil || got.ResponseBody != nil ||
		got.ErrorMessage == nil || !strings.Contains(*got.ErrorMessage, "receiver unreachable") {
		t.Errorf("unreachable: %+v", got)
	}

	e.ModifyJurichatWebhook(id, func(h *JurichatWebhook) { h.IsActive = false })
	expectStatus(t, do(t, e, "POST", "/jurichat/webhooks/deliveries/"+d+"/retry", nil, jurichatKey...), http.StatusOK)
	e.WaitDeliveries()
	got = e.JurichatDeliveries(id)[0]
	if got.Status != DeliveryFailed || got.AttemptCount != 3 || got.ErrorMessage == nil || !strings.Contains(*got.ErrorMessage, "paused") {
		t.Errorf("paused: %+v", got)
	}
}

func ids(list []obj) []any {
	out := make([]any, len(list))
	for i, h := range list {
		out[i] = h["id"]
	}
	return out
}
