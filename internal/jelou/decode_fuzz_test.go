package jelou

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport/transporttest"
)

// Jelou's documented 2xx answers (docs: /work/shared/api/jelou.md) and the emulator's.
var integrationSeeds = []string{
	`{"message":["Integration created successfully"],"statusMessage":"success","status":1,"data":{"id":"66f1c0a2e4b0a1b2c3d4e5f6","brainId":"p1","webhookUrl":"https://support.example.com/hook","authType":"bearer","signingSecret":"whsec_abc","createdAt":"2026-03-01T12:00:00Z","updatedAt":"2026-03-01T12:00:00Z"}}`,
	`{"_id":"66f1c0a2e4b0a1b2c3d4e5f6","brainId":"p1","webhookUrl":"https://support.example.com/hook","authType":"no_auth"}`,
	`{"message":["Signing secret regenerated successfully"],"statusMessage":"success","status":1,"data":{"brainId":"p1","signingSecret":"whsec_new"}}`,
	`{"signingSecret":"whsec_flat","regeneratedAt":"2023-11-07T05:31:56Z"}`,
	`{"data":[{"id":7,"brainId":12345,"webhookUrl":"https://x.example"}]}`,
	`{"data":{"id":{"nested":true}}}`,
	`{"status":1,"data":null}`,
	`[]`,
	``,
}

// FuzzDecodeIntegration feeds arbitrary 2xx bodies to decodeIntegration:
// no panic; an integration or an error wrapping ErrUnexpectedResponse; and
// a credential member planted in the body (top level, "data") never shows
// in the error.
func FuzzDecodeIntegration(f *testing.F) {
	for i, s := range integrationSeeds {
		f.Add([]byte(s), uint8(i))
	}
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		if len(body) > 1<<16 {
			return
		}
		key := transporttest.SecretKeys[int(which)%len(transporttest.SecretKeys)]
		planted, secret, ok := transporttest.PlantSecret(body, key)
		if ok {
			body = planted
		}
		got, err := decodeIntegration(&transport.Response{StatusCode: 200, Body: body})
		switch {
		case err == nil && got == nil:
			t.Fatal("nil integration without an error")
		case err != nil && got != nil:
			t.Fatal("an integration and an error")
		case err != nil && ok && strings.Contains(err.Error(), secret):
			t.Fatalf("the error repeats the %s planted in the body:\nbody: %s\nerror: %v", key, body, err)
		case err != nil && !strings.Contains(err.Error(), transport.ErrUnexpectedResponse.Error()):
			t.Fatalf("error does not say the response is unexpected: %v", err)
		}
	})
}

// FuzzIntegrationShapes: an integration decodes to the same value from the
// envelope and from the bare object, whatever its field values.
func FuzzIntegrationShapes(f *testing.F) {
	f.Add("66f1c0a2e4b0a1b2c3d4e5f6", "p1", "https://support.example.com/hook", "bearer", "whsec_abc", "2026-03-01T12:00:00Z")
	f.Add("", "p2", "", "", "", "")
	f.Add("1", "", "http://127.0.0.1:9/x", "basic", "\u2028\"\\", "")
	f.Fuzz(func(t *testing.T, id, brain, webhookURL, authType, secret, created string) {
		want := Integration{ID: id, BrainID: brain, WebhookURL: webhookURL, AuthType: authType, SigningSecret: secret, CreatedAt: created, UpdatedAt: created}
		obj, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		// What encoding/json makes of the strings (invalid UTF-8 becomes U+FFFD).
		var norm Integration
		if err := json.Unmarshal(obj, &norm); err != nil {
			t.Fatal(err)
		}
		envelope := []byte(`{"message":["Integration created successfully"],"statusMessage":"success","status":1,"data":` + string(obj) + `}`)
		for _, body := range [][]byte{obj, envelope} {
			got, err := decodeIntegration(&transport.Response{StatusCode: 200, Body: body})
			if id == "" && brain == "" && webhookURL == "" {
				if err == nil {
					t.Fatalf("%s: an integration with no id, project or URL was accepted", body)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", body, err)
			}
			if *got != norm {
				t.Fatalf("%s:\n got %+v\nwant %+v", body, *got, norm)
			}
		}
	})
}

// FuzzErrorMessage feeds arbitrary error bodies to the path a Jelou error
// takes (MessageFromBody with Jelou's parser): one bounded line, and a
// credential member planted in the body (top level, "data", "error") never
// shows in it.
func FuzzErrorMessage(f *testing.F) {
	for _, s := range []string{
		`{"message":["webhookUrl must be a URL address"],"statusMessage":"error","status":0,"error":{"code":"E400","key":"VALIDATION_ERROR","description":"Invalid body","developerMessages":{},"clientMessages":{}},"validationError":{"webhookUrl":["must be a URL address"]}}`,
		`{"message":"No integration exists for the specified projectId","statusMessage":"error","status":0}`,
		`{"statusMessage":"Unauthorized","status":0,"error":{"key":"INVALID_API_KEY","clientMessages":{"es":"Clave inválida","en":"Invalid API key"}}}`,
		`{"validationError":[{"field":"authType","message":"must be one of bearer, api_key, basic, no_auth"},{"path":["body","webhookUrl"],"constraints":{"isUrl":"webhookUrl must be a URL"}}]}`,
		`{"validationError":{"a":{"b":{"c":{"d":{"e":{"f":"deep"}}}}}}}`,
		`{"error":"Internal"}`,
		`{"statusMessage":"error"}`,
		`<html><body>502</body></html>`,
	} {
		f.Add(400, []byte(s), uint8(len(s)))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, which uint8) {
		if len(body) > 1<<16 {
			return
		}
		key := transporttest.SecretKeys[int(which)%len(transporttest.SecretKeys)]
		planted, secret, ok := transporttest.PlantSecret(body, key)
		if ok {
			body = planted
		}
		msg := transport.MessageFromBody(status, "application/json", body, errorMessage)
		if msg == "" || strings.ContainsAny(msg, "\r\n") || len([]rune(msg)) > 600 {
			t.Fatalf("not one bounded line: %q", msg)
		}
		if ok && strings.Contains(msg, secret) {
			t.Fatalf("the message repeats the %s planted in the body:\nbody: %s\nmessage: %s", key, body, msg)
		}
	})
}
