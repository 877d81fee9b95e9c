package emulator

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"
)

const jelouPath = "/jelou/v1/external-support/"

func TestJelouAuth(t *testing.T) {
	basic := func(id, secret string) []string {
		return []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))}
	}
	custom := Options{JelouAPIKey: "k-custom", JelouClientID: "id-custom", JelouClientSecret: "s-custom"}
	tests := []struct {
		name string
		opts Options
		auth []string
		want int
	}{
		{"no credentials", Options{}, nil, http.StatusUnauthorized},
		{"api key", Options{}, jelouKey, http.StatusNotFound},
		{"wrong api key", Options{}, []string{"x-api-key", "nope"}, http.StatusUnauthorized},
		{"empty api key", Options{}, []string{"x-api-key", ""}, http.StatusUnauthorized},
		{"basic", Options{}, jelouBasic, http.StatusNotFound},
		{"basic wrong secret", Options{}, basic(DefaultJelouClientID, "nope"), http.StatusUnauthorized},
		{"basic wrong id", Options{}, basic("nope", DefaultJelouClientSecret), http.StatusUnauthorized},
		{"bearer is not accepted", Options{}, []string{"Authorization", "Bearer " + DefaultJelouAPIKey}, http.StatusUnauthorized},
		{"jurichat key is not accepted", Options{}, jurichatKey, http.StatusUnauthorized},
		{"custom api key", custom, []string{"x-api-key", "k-custom"}, http.StatusNotFound},
		{"custom basic", custom, basic("id-custom", "s-custom"), http.StatusNotFound},
		{"default key refused when customised", custom, jelouKey, http.StatusUnauthorized},
		{"wrong key but valid basic", Options{}, append([]string{"x-api-key", "nope"}, jelouBasic...), http.StatusNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := New(tc.opts)
			rec := do(t, e, "GET", jelouPath+"p1", nil, tc.auth...)
			expectStatus(t, rec, tc.want)
			if tc.want != http.StatusUnauthorized {
				return
			}
			body := decode[obj](t, rec)
			if got := errorMessage(t, rec); got != "Unauthorized" {
				t.Errorf("message = %q, want Unauthorized", got)
			}
			if body["statusMessage"] != "error" || body["status"] != float64(0) {
				t.Errorf("statusMessage/status = %v/%v, want error/0", body["statusMessage"], body["status"])
			}
			detail, _ := body["error"].(obj)
			for _, k := range []string{"code", "key", "description"} {
				if s, _ := detail[k].(string); s == "" {
					t.Errorf("error.%s missing", k)
				}
			}
		})
	}
}

func TestJelouCreate(t *testing.T) {
	e := New(Options{})
	clock := newFakeClock(e)
	rec := do(t, e, "POST", jelouPath+"proj-1", obj{
		"webhookUrl": "https://panel.example.com/hook", "authType": "bearer", "authorization": "tok-123",
	}, jelouKey...)
	expectStatus(t, rec, http.StatusOK)
	body := decode[obj](t, rec)
	if body["statusMessage"] != "success" || body["status"] != float64(1) {
		t.Errorf("envelope statusMessage/status = %v/%v", body["statusMessage"], body["status"])
	}
	if msg := errorMessage(t, rec); msg != "Integration created successfully" {
		t.Errorf("message = %q", msg)
	}
	data := body["data"].(obj)
	if id, _ := data["id"].(string); !hex24.MatchString(id) {
		t.Errorf("id %q is not 24 hex characters", id)
	}
	want := obj{"brainId": "proj-1", "webhookUrl": "https://panel.example.com/hook", "authType": "bearer",
		"createdAt": "2026-01-15T10:30:00.123Z"}
	for k, v := range want {
		if data[k] != v {
			t.Errorf("%s = %v, want %v", k, data[k], v)
		}
	}
	secret, _ := data["signingSecret"].(string)
	if !hex64.MatchString(secret) {
		t.Error("signingSecret is not 64 lowercase hex characters")
	}
	for _, k := range []string{"authorization", "updatedAt"} {
		if hasKey(data, k) {
			t.Errorf("create response has %q", k)
		}
	}

	stored, ok := e.JelouIntegration("proj-1")
	if !ok {
		t.Fatal("integration not stored")
	}
	if stored.Authorization != "tok-123" || stored.SigningSecret != secret || stored.ID != data["id"] {
		t.Error("stored integration does not match the create response and request")
	}
	if !stored.CreatedAt.Equal(clock.now().Truncate(time.Millisecond)) || !stored.UpdatedAt.Equal(stored.CreatedAt) {
		t.Errorf("stored times = %v/%v", stored.CreatedAt, stored.UpdatedAt)
	}

	// Default authType and a fresh secret per project.
	other := createJelou(t, e, "proj-2", obj{"webhookUrl": "https://panel.example.com/other"})
	if other["authType"] != "no_auth" {
		t.Errorf("default authType = %v, want no_auth", other["authType"])
	}
	if other["signingSecret"] == secret || other["id"] == data["id"] {
		t.Error("second project reuses the id or secret of the first")
	}
	if s, _ := e.JelouIntegration("proj-2"); s.Authorization != "" {
		t.Error("authorization stored although none was sent")
	}
}

func TestJelouCreateAcceptsURLs(t *testing.T) {
	for _, u := range []string{
		"https://panel.example.com/hook",
		"https://panel.example.com:8443/hook?x=1",
		"https://203.0.113.7/hook",
		"http://localhost:8080/hook",
		"http://LOCALHOST/hook",
		"http://127.0.0.1:9/hook",
		"http://127.1.2.3/hook",
		"http://[::1]:8080/hook",
	} {
		t.Run(u, func(t *testing.T) {
			e := New(Options{})
			data := createJelou(t, e, "p", obj{"webhookUrl": u})
			if data["webhookUrl"] != u {
				t.Errorf("webhookUrl = %v", data["webhookUrl"])
			}
		})
	}
}

func TestJelouCreateValidation(t *testing.T) {
	tests := []struct {
		name   string
		body   any
		status int
		field  string // expected validationError key ("" for 400s without one)
		msg    string // substring of the message
	}{
		{"missing webhookUrl", obj{}, 422, "webhookUrl", "webhookUrl is required"},
		{"empty body", nil, 422, "webhookUrl", "webhookUrl is required"},
		{"null webhookUrl", obj{"webhookUrl": nil}, 422, "webhookUrl", "webhookUrl is required"},
		{"number webhookUrl", obj{"webhookUrl": 42}, 422, "webhookUrl", "must be a string"},
		{"empty webhookUrl", obj{"webhookUrl": ""}, 422, "webhookUrl", "must not be empty"},
		{"relative webhookUrl", obj{"webhookUrl": "/hook"}, 422, "webhookUrl", "absolute URL"},
		{"no host", obj{"webhookUrl": "https:///hook"}, 422, "webhookUrl", "absolute URL"},
		{"not a URL", obj{"webhookUrl": "panel.example.com"}, 422, "webhookUrl", "absolute URL"},
		{"ftp", obj{"webhookUrl": "ftp://panel.example.com/hook"}, 422, "webhookUrl", "must use https"},
		{"http public", obj{"webhookUrl": "http://panel.example.com/hook"}, 422, "webhookUrl", "must use https"},
		{"http private ip", obj{"webhookUrl": "http://10.0.0.1/hook"}, 422, "webhookUrl", "must use https"},
		{"http localhost lookalike", obj{"webhookUrl": "http://localhost.example.com/hook"}, 422, "webhookUrl", "must use https"},
		{"userinfo", obj{"webhookUrl": "https://user:pass@panel.example.com/hook"}, 422, "webhookUrl", "user name or password"},
		{"user only", obj{"webhookUrl": "https://user@panel.example.com/hook"}, 422, "webhookUrl", "user name or password"},
		{"bad authType", obj{"webhookUrl": "https://a.example/h", "authType": "oauth"}, 422, "authType", "bearer, api_key, basic, no_auth"},
		{"number authType", obj{"webhookUrl": "https://a.example/h", "authType": 1}, 422, "authType", "authType must be one of"},
		{"number authorization", obj{"webhookUrl": "https://a.example/h", "authorization": 5}, 422, "authorization", "authorization must be a string"},
		{"malformed JSON", `{"webhookUrl":`, 400, "", "valid JSON object"},
		{"array body", `[{"webhookUrl":"https://a.example/h"}]`, 400, "", "valid JSON object"},
		{"null body", `null`, 400, "", "valid JSON object"},
		{"trailing data", `{"webhookUrl":"https://a.example/h"} {}`, 400, "", "valid JSON object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := New(Options{})
			rec := do(t, e, "POST", jelouPath+"p1", tc.body, jelouKey...)
			expectStatus(t, rec, tc.status)
			if msg := errorMessage(t, rec); !strings.Contains(msg, tc.msg) {
				t.Errorf("message %q does not contain %q", msg, tc.msg)
			}
			body := decode[obj](t, rec)
			if body["statusMessage"] != "error" || body["status"] != float64(0) {
				t.Errorf("statusMessage/status = %v/%v", body["statusMessage"], body["status"])
			}
			ve, _ := body["validationError"].(obj)
			if tc.field == "" {
				if ve != nil {
					t.Errorf("unexpected validationError %v", ve)
				}
			} else if list, _ := ve[tc.field].([]any); len(list) == 0 {
				t.Errorf("validationError has no %q entry: %v", tc.field, ve)
			}
			if len(e.JelouIntegrations()) != 0 {
				t.Error("an invalid create stored an integration")
			}
		})
	}
}

func TestJelouCreateReportsEveryInvalidField(t *testing.T) {
	e := New(Options{})
	rec := do(t, e, "POST", jelouPath+"p1", obj{"webhookUrl": "http://x.example/h", "authType": "nope"}, jelouKey...)
	expectStatus(t, rec, http.StatusUnprocessableEntity)
	ve := decode[obj](t, rec)["validationError"].(obj)
	if !hasKey(ve, "webhookUrl") || !hasKey(ve, "authType") {
		t.Errorf("validationError = %v, want webhookUrl and authType", ve)
	}
}

func TestJelouCreateConflict(t *testing.T) {
	e := New(Options{})
	first := createJelou(t, e, "p1", obj{"webhookUrl": "https://a.example/h"})
	rec := do(t, e, "POST", jelouPath+"p1", obj{"webhookUrl": "https://b.example/h"}, jelouBasic...)
	expectStatus(t, rec, http.StatusConflict)
	if msg := errorMessage(t, rec); !strings.Contains(msg, "already has") || !strings.Contains(msg, "p1") {
		t.Errorf("409 message = %q", msg)
	}
	stored, _ := e.JelouIntegration("p1")
	if stored.WebhookURL != "https://a.example/h" || stored.SigningSecret != first["signingSecret"] {
		t.Error("the rejected create changed the existing integration")
	}
}

func TestJelouGet(t *testing.T) {
	e := New(Options{})
	created := createJelou(t, e, "p1", obj{"webhookUrl": "https://a.example/h", "authType": "api_key", "authorization": "k"})

	rec := do(t, e, "GET", jelouPath+"p1", nil, jelouBasic...)
	expectStatus(t, rec, http.StatusOK)
	if msg := errorMessage(t, rec); msg != "Integration retrieved successfully" {
		t.Errorf("message = %q", msg)
	}
	data := jelouData(t, rec)
	for _, k := range []string{"id", "brainId", "webhookUrl", "authType", "createdAt"} {
		if data[k] != created[k] {
			t.Errorf("%s = %v, want %v", k, data[k], created[k])
		}
	}
	if u, _ := data["updatedAt"].(string); !isoMillis.MatchString(u) {
		t.Errorf("updatedAt %q is not ISO-8601 with milliseconds", u)
	}
	for _, k := range []string{"signingSecret", "authorization"} {
		if hasKey(data, k) {
			t.Errorf("get response has %q", k)
		}
	}

	rec = do(t, e, "GET", jelouPath+"other", nil, jelouKey...)
	expectStatus(t, rec, http.StatusNotFound)
	body := decode[obj](t, rec)
	if msg := errorMessage(t, rec); !strings.Contains(msg, "not found") {
		t.Errorf("404 message = %q", msg)
	}
	if detail, _ := body["error"].(obj); detail["code"] != "NOT_FOUND" {
		t.Errorf("404 error = %v", body["error"])
	}
}

func TestJelouUpdate(t *testing.T) {
	e := New(Options{})
	clock := newFakeClock(e)
	created := createJelou(t, e, "p1", obj{"webhookUrl": "https://a.example/h", "authType": "bearer", "authorization": "tok"})
	secret := created["signingSecret"]

	steps := []struct {
		name                     string
		body                     any
		webhookURL, authType, az string
	}{
		{"authType only", obj{"authType": "api_key"}, "https://a.example/h", "api_key", "tok"},
		{"webhookUrl only", obj{"webhookUrl": "https://b.example/h"}, "https://b.example/h", "api_key", "tok"},
		{"authorization only", obj{"authorization": "new"}, "https://b.example/h", "api_key", "new"},
		{"authorization null clears", obj{"authorization": nil}, "https://b.example/h", "api_key", ""},
		{"all fields", obj{"webhookUrl": "http://localhost:1/h", "authType": "basic", "authorization": "u:p"}, "http://localhost:1/h", "basic", "u:p"},
		{"empty object changes nothing", obj{}, "http://localhost:1/h", "basic", "u:p"},
		{"empty body changes nothing", nil, "http://localhost:1/h", "basic", "u:p"},
		{"unknown fields are ignored", obj{"signingSecret": "0000"}, "http://localhost:1/h", "basic", "u:p"},
	}
	prev, _ := e.JelouIntegration("p1")
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clock.advance(time.Second)
			rec := do(t, e, "PATCH", jelouPath+"p1", st.body, jelouKey...)
			expectStatus(t, rec, http.StatusOK)
			if msg := errorMessage(t, rec); msg != "Integration updated successfully" {
				t.Errorf("message = %q", msg)
			}
			data := jelouData(t, rec)
			if data["webhookUrl"] != st.webhookURL || data["authType"] != st.authType {
				t.Errorf("response webhookUrl/authType = %v/%v", data["webhookUrl"], data["authType"])
			}
			if hasKey(data, "signingSecret") || hasKey(data, "authorization") {
				t.Error("update response carries signingSecret or authorization")
			}
			got, _ := e.JelouIntegration("p1")
			if got.WebhookURL != st.webhookURL || got.AuthType != st.authType || got.Authorization != st.az {
				t.Errorf("stored = %q/%q/(authorization matches: %v)", got.WebhookURL, got.AuthType, got.Authorization == st.az)
			}
			if got.SigningSecret != secret || got.ID != created["id"] || !got.CreatedAt.Equal(prev.CreatedAt) {
				t.Error("update changed the secret, id or createdAt")
			}
			if !got.UpdatedAt.After(prev.UpdatedAt) || data["updatedAt"] != iso(got.UpdatedAt) {
				t.Errorf("updatedAt not bumped: %v -> %v (response %v)", prev.UpdatedAt, got.UpdatedAt, data["updatedAt"])
			}
			prev = got
		})
	}
}

func TestJelouUpdateErrors(t *testing.T) {
	tests := []struct {
		name    string
		project string
		body    any
		status  int
		field   string
	}{
		{"unknown project", "nope", obj{"authType": "bearer"}, 404, ""},
		{"bad url", "p1", obj{"webhookUrl": "http://a.example/h"}, 400, "webhookUrl"},
		{"null url", "p1", obj{"webhookUrl": nil}, 400, "webhookUrl"},
		{"bad authType", "p1", obj{"authType": "digest"}, 400, "authType"},
		{"null authType", "p1", obj{"authType": nil}, 400, "authType"},
		{"bool authorization", "p1", obj{"authorization": true}, 400, "authorization"},
		{"malformed JSON", "p1", `{"authType"`, 400, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := New(Options{})
			createJelou(t, e, "p1", obj{"webhookUrl": "https://a.example/h"})
			before, _ := e.JelouIntegration("p1")
			rec := do(t, e, "PATCH", jelouPath+tc.project, tc.body, jelouKey...)
			expectStatus(t, rec, tc.status)
			body := decode[obj](t, rec)
			if body["statusMessage"] != "error" {
				t.Errorf("statusMessage = %v", body["statusMessage"])
			}
			if tc.field != "" {
				if ve, _ := body["validationError"].(obj); !hasKey(ve, tc.field) {
					t.Errorf("validationError = %v, want %q", ve, tc.field)
				}
			}
			if after, _ := e.JelouIntegration("p1"); after != before {
				t.Error("a rejected update changed the integration")
			}
		})
	}
}

func TestJelouDelete(t *testing.T) {
	for _, shape := range []string{ShapeEnvelope, ShapeFlat} {
		t.Run(shape, func(t *testing.T) {
			e := New(Options{JelouShape: shape})
			first := createJelou(t, e, "p1", obj{"webhookUrl": "https://a.example/h"})

			rec := do(t, e, "DELETE", jelouPath+"p1", nil, jelouKey...)
			expectStatus(t, rec, http.StatusOK)
			if got, want := strings.TrimSpace(rec.Body.String()),
				`{"message":["Integration deleted successfully"],"statusMessage":"success","status":1}`; got != want {
				t.Errorf("delete body = %s, want %s", got, want)
			}
			expectStatus(t, do(t, e, "GET", jelouPath+"p1", nil, jelouKey...), http.StatusNotFound)
			expectStatus(t, do(t, e, "DELETE", jelouPath+"p1", nil, jelouKey...), http.StatusNotFound)

			again := createJelou(t, e, "p1", obj{"webhookUrl": "https://a.example/h"})
			if again["signingSecret"] == first["signingSecret"] || again["id"] == first["id"] {
				t.Error("re-created integration reuses the old id or secret")
			}
		})
	}
}

func TestJelouShapes(t *testing.T) {
	ops := []struct {
		method string
		body   any
		msg    string
	}{
		{"POST", obj{"webhookUrl": "https://a.example/h"}, "Integration created successfully"},
		{"GET", nil, "Integration retrieved successfully"},
		{"PATCH", obj{"authType": "bearer"}, "Integration updated successfully"},
	}
	for _, shape := range []string{"", ShapeEnvelope, ShapeFlat} {
		t.Run("shape="+shape, func(t *testing.T) {
			e := New(Options{JelouShape: shape})
			for _, op := range ops {
				rec := do(t, e, op.method, jelouPath+"p1", op.body, jelouKey...)
				expectStatus(t, rec, http.StatusOK)
				body := decode[obj](t, rec)
				if shape == ShapeFlat {
					if hasKey(body, "data") || hasKey(body, "message") || body["brainId"] != "p1" {
						t.Errorf("%s: flat response is not the bare object: keys %v", op.method, keys(body))
					}
					continue
				}
				data, _ := body["data"].(obj)
				if data["brainId"] != "p1" || body["statusMessage"] != "success" || body["status"] != float64(1) {
					t.Errorf("%s: not an envelope: keys %v", op.method, keys(body))
				}
				if msg := errorMessage(t, rec); msg != op.msg {
					t.Errorf("%s: message = %q, want %q", op.method, msg, op.msg)
				}
			}
		})
	}
}

func keys(m obj) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
