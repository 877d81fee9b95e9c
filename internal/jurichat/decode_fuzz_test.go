package jurichat

import (
	"strings"
	"testing"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport/transporttest"
)

// plant adds a credential member (see transporttest.PlantSecret) to body
// when it is a JSON object.
func plant(body []byte, which uint8) (out []byte, key, secret string, ok bool) {
	key = transporttest.SecretKeys[int(which)%len(transporttest.SecretKeys)]
	out, secret, ok = transporttest.PlantSecret(body, key)
	return out, key, secret, ok
}

// checkDecodeError holds for every decoder: a value or an error, never both
// or neither; the error says the response is unexpected and repeats no
// planted secret.
func checkDecodeError(t *testing.T, body []byte, gotNil bool, err error, key, secret string, planted bool) {
	t.Helper()
	switch {
	case err == nil && gotNil:
		t.Fatal("nil result without an error")
	case err != nil && !gotNil:
		t.Fatal("a result and an error")
	case err != nil && planted && strings.Contains(err.Error(), secret):
		t.Fatalf("the error repeats the %s planted in the body:\nbody: %s\nerror: %v", key, body, err)
	case err != nil && !strings.Contains(err.Error(), transport.ErrUnexpectedResponse.Error()):
		t.Fatalf("error does not say the response is unexpected: %v", err)
	}
}

func response(body []byte) *transport.Response {
	return &transport.Response{StatusCode: 200, Body: body}
}

// FuzzDecodeWebhook feeds arbitrary 2xx bodies to the webhook decoders, one
// (create, get, update) and list: no panic, and no planted secret in an error.
func FuzzDecodeWebhook(f *testing.F) {
	for i, s := range []string{
		`{"id":"cm1abcdefgh","officeId":"off_1","name":"CRM sync","description":null,"url":"https://crm.example.com/webhooks/jurichat","secret":"whsec_1","events":["crm.lead.created"],"isActive":true,"headers":{"X-Team":"support"},"createdAt":"2026-03-01T12:00:00.000Z","updatedAt":"2026-03-01T12:00:00.000Z"}`,
		`{"data":{"id":"cm1abcdefgh","name":"n","url":"https://x.example","events":[{"name":"a.b"},null,"c.d"]}}`,
		`[{"id":"cm1","name":"n","url":"https://x.example","events":["a"],"isActive":false,"stats":{"totalDeliveries":3,"successCount":2,"failedCount":1,"successRate":66.7}}]`,
		`{"webhooks":[{"id":1,"description":"d","headers":null}]}`,
		`{"data":[{"id":"cm1"}]}`,
		`{"id":"cm1","description":7}`,
		`{"id":"cm1","events":[{"description":"no name"}]}`,
		`{"id":"cm1","headers":{"Authorization":{"v":1}}}`,
		`{"id":"cm1","stats":{"totalDeliveries":1e400}}`,
	} {
		f.Add([]byte(s), uint8(i))
	}
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		if len(body) > 1<<16 {
			return
		}
		body, key, secret, ok := plant(body, which)
		hook, err := decodeWebhook(response(body))
		checkDecodeError(t, body, hook == nil, err, key, secret, ok)
		hooks, err := decodeWebhookList(response(body))
		checkDecodeError(t, body, hooks == nil, err, key, secret, ok)
	})
}

// FuzzDecodeEvents feeds arbitrary catalogue bodies to decodeEvents: no
// panic, no planted secret in an error, and every event it returns has a name.
func FuzzDecodeEvents(f *testing.F) {
	for i, s := range []string{
		`[{"name":"crm.lead.created","description":"A lead was created"},{"name":"webhook.test","description":"Test delivery"}]`,
		`["crm.lead.created","case.updated"]`,
		`{"events":[{"event":"a"},{"key":"b"},{"type":"c"},null]}`,
		`{"data":["x"]}`,
		`[""]`,
		`[{"name":{"en":"x"}}]`,
		`[1]`,
		`{"events":"all"}`,
	} {
		f.Add([]byte(s), uint8(i))
	}
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		if len(body) > 1<<16 {
			return
		}
		body, key, secret, ok := plant(body, which)
		events, err := decodeEvents(response(body))
		checkDecodeError(t, body, events == nil, err, key, secret, ok)
		for _, e := range events {
			if e.Name == "" {
				t.Fatalf("an event without a name from %s", body)
			}
		}
	})
}

// FuzzDecodeDeliveries feeds arbitrary delivery-log bodies to the page and
// the single-delivery decoders: no panic, no planted secret in an error.
func FuzzDecodeDeliveries(f *testing.F) {
	for i, s := range []string{
		`{"data":[{"id":"d1","webhookId":"cm1","event":"crm.lead.created","status":"FAILED","statusCode":500,"payload":{"event":"crm.lead.created","data":{}},"responseBody":"oops","errorMessage":"HTTP 500","durationMs":12,"attemptCount":2,"nextRetryAt":"2026-03-01T12:05:00Z","createdAt":"2026-03-01T12:00:00Z","expiresAt":"2026-05-30T12:00:00Z"}],"total":1,"page":1,"limit":20,"totalPages":1}`,
		`[{"id":"d1","status":"SUCCESS","statusCode":200}]`,
		`{"id":"d2","status":"PENDING","statusCode":null,"payload":null}`,
		`{"data":{"id":"d3"}}`,
		`{"data":"none"}`,
		`{"data":[{"statusCode":"500"}]}`,
		`{"data":[],"total":-1,"page":99999999999999999999}`,
	} {
		f.Add([]byte(s), uint8(i))
	}
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		if len(body) > 1<<16 {
			return
		}
		body, key, secret, ok := plant(body, which)
		page, err := decodeDeliveryPage(response(body))
		checkDecodeError(t, body, page == nil, err, key, secret, ok)
		d, err := decodeDelivery(response(body))
		checkDecodeError(t, body, d == nil, err, key, secret, ok)
	})
}

// FuzzErrorMessage feeds arbitrary error bodies to the path a JuriChat error
// takes (MessageFromBody with JuriChat's parser): one bounded line, and a
// planted credential member never shows in it.
func FuzzErrorMessage(f *testing.F) {
	for _, s := range []string{
		`{"statusCode":400,"error":"Bad Request","message":"body must have required property 'name'"}`,
		`{"statusCode":400,"error":"Bad Request","message":["a","b","a"]}`,
		`{"statusCode":404,"error":"Not Found","message":"Webhook not found"}`,
		`{"errors":[{"field":"url","message":"must be https"},"name too long"]}`,
		`{"title":"Bad Request","detail":"events[0] is unknown"}`,
		`["first","second"]`,
		`{"ok":false}`,
		`{"error":{"message":{"message":{"message":"deep"}}}}`,
	} {
		f.Add(400, []byte(s), uint8(len(s)))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, which uint8) {
		if len(body) > 1<<16 {
			return
		}
		body, key, secret, ok := plant(body, which)
		msg := transport.MessageFromBody(status, "application/json", body, errorMessage)
		if msg == "" || strings.ContainsAny(msg, "\r\n") || len([]rune(msg)) > 600 {
			t.Fatalf("not one bounded line: %q", msg)
		}
		if ok && strings.Contains(msg, secret) {
			t.Fatalf("the message repeats the %s planted in the body:\nbody: %s\nmessage: %s", key, body, msg)
		}
	})
}
