package receiver

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
)

// TestAgainstEmulatorDeliveries checks the receiver against the emulator's
// deliveries (an independent implementation of both vendors' signing):
// genuine deliveries verify, tampered ones are rejected.
func TestAgainstEmulatorDeliveries(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := emulator.DefaultOptions()
	emu, err := emulator.Start(ctx, "127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	rcv, err := Listen(ctx, "127.0.0.1:0", Options{AdminToken: testAdminToken})
	if err != nil {
		t.Fatal(err)
	}
	defer rcv.Close()

	call := func(method, path, body string, headers ...string) (int, map[string]any) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, method, emu.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var doc map[string]any
		_ = json.Unmarshal(raw, &doc)
		return resp.StatusCode, doc
	}

	// Jelou: create an integration with a bearer credential, register its secret.
	status, doc := call("POST", "/jelou/v1/external-support/p1",
		`{"webhookUrl":"`+rcv.URL+`/jelou/panel","authType":"bearer","authorization":"`+panelToken+`"}`,
		"x-api-key", opts.JelouAPIKey)
	if status != 200 {
		t.Fatalf("create integration: %d %v", status, doc)
	}
	data, _ := doc["data"].(map[string]any)
	secret, _ := data["signingSecret"].(string)
	if secret == "" {
		t.Fatal("no signing secret in the create response")
	}
	if err := rcv.Register(VendorJelou, "panel", Endpoint{Secret: secret, AuthType: AuthBearer, Authorization: panelToken}); err != nil {
		t.Fatal(err)
	}

	// JuriChat: create a webhook, register its secret.
	status, doc = call("POST", "/jurichat/webhooks",
		`{"name":"leads","url":"`+rcv.URL+`/jurichat/leads","events":["crm.lead.created"]}`,
		"Authorization", "Bearer "+opts.JurichatToken)
	if status != 200 && status != 201 {
		t.Fatalf("create webhook: %d %v", status, doc)
	}
	if d, ok := doc["data"].(map[string]any); ok {
		doc = d
	}
	hookID, _ := doc["id"].(string)
	hookSecret, _ := doc["secret"].(string)
	if hookID == "" || hookSecret == "" {
		t.Fatalf("create webhook answer lacks id or secret")
	}
	if err := rcv.Register(VendorJurichat, "leads", Endpoint{Secret: hookSecret}); err != nil {
		t.Fatal(err)
	}

	triggers := []struct {
		path       string
		wantStatus int
	}{
		{"/_emulator/jelou/p1/deliver", 200},
		{"/_emulator/jelou/p1/deliver?tamper=true", 401},
		{"/_emulator/jurichat/webhooks/" + hookID + "/deliver?event=crm.lead.created", 200},
		{"/_emulator/jurichat/webhooks/" + hookID + "/deliver?event=crm.lead.created&tamper=true", 401},
	}
	for _, tr := range triggers {
		status, doc := call("POST", tr.path, "")
		if status != tr.wantStatus {
			t.Errorf("%s: emulator answered %d %v, want %d", tr.path, status, doc, tr.wantStatus)
		}
	}

	ds := rcv.Deliveries()
	if len(ds) != 4 {
		t.Fatalf("%d deliveries, want 4: %+v", len(ds), ds)
	}
	want := []struct {
		vendor, event string
		verified      bool
	}{
		{VendorJelou, "message", true},
		{VendorJelou, "message", false},
		{VendorJurichat, "crm.lead.created", true},
		{VendorJurichat, "crm.lead.created", false},
	}
	for i, w := range want {
		d := ds[i]
		if d.Vendor != w.vendor || d.Event != w.event || d.Verified != w.verified {
			t.Errorf("delivery %d = %+v, want %+v", i, d, w)
		}
		if !w.verified && !strings.Contains(d.Reason, "does not match the body") {
			t.Errorf("delivery %d reason = %q", i, d.Reason)
		}
	}
	if ds[2].DeliveryID == "" || ds[3].DeliveryID == "" || ds[2].DeliveryID == ds[3].DeliveryID {
		t.Errorf("JuriChat delivery ids: %q, %q", ds[2].DeliveryID, ds[3].DeliveryID)
	}
}
