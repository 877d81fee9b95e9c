package jurichat

import "testing"

func TestErrorMessage(t *testing.T) {
	cases := []struct {
		name, body, want string
		status           int
	}{
		{"fastify", `{"statusCode":400,"error":"Bad Request","message":"body must have required property 'name'"}`, "body must have required property 'name'", 400},
		{"fastify list", `{"statusCode":400,"error":"Bad Request","message":["a","b","a"]}`, "a; b", 400},
		{"error only", `{"statusCode":404,"error":"Not Found"}`, "Not Found", 404},
		{"non-standard error text kept", `{"error":"Office suspended","message":"Contact support"}`, "Contact support; Office suspended", 403},
		{"error object", `{"error":{"message":"token expired"}}`, "token expired", 401},
		{"errors list", `{"errors":[{"field":"url","message":"must be https"},"name too long"]}`, "must be https; name too long", 422},
		{"problem json", `{"title":"Bad Request","detail":"events[0] is unknown"}`, "events[0] is unknown", 400},
		{"top-level list", `["first","second"]`, "first; second", 400},
		{"unknown JSON", `{"ok":false}`, "", 500},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := errorMessage(c.status, []byte(c.body)); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
