package jurichat_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/signature"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

func ptr[T any](v T) *T { return &v }

func fastHTTP() *http.Client {
	return transport.NewHTTPClient(transport.Options{MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
}

// receiver is a webhook endpoint that checks signatures and answers with a
// settable status.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	secret   string
	status   int
	verified []bool
	headers  []http.Header
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{status: 200}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.verified = append(r.verified, signature.Verify(r.secret, body, req.Header.Get("X-JuriChat-Signature")))
		r.headers = append(r.headers, req.Header.Clone())
		w.WriteHeader(r.status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) set(secret string, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secret, r.status = secret, status
}

// TestEmulatorLifecycle runs the whole webhook lifecycle, the event
// catalogue and the delivery log against the project's emulator, with both
// credential modes.
func TestEmulatorLifecycle(t *testing.T) {
	auths := map[string]func(*jurichat.Config){
		"token":   func(c *jurichat.Config) { c.Token = emulator.DefaultJurichatToken },
		"api key": func(c *jurichat.Config) { c.APIKey = emulator.DefaultJurichatAPIKey },
	}
	for name, auth := range auths {
		t.Run(name, func(t *testing.T) {
			emu := emulator.New(emulator.DefaultOptions())
			srv := httptest.NewServer(emu)
			defer srv.Close()
			cfg := jurichat.Config{BaseURL: srv.URL + "/jurichat", UserAgent: "terraform-provider-jurichat/test", HTTPClient: fastHTTP()}
			auth(&cfg)
			c, err := jurichat.NewClient(cfg)
			if err != nil {
				t.Fatal(err)
			}
			lifecycle(t, emu, srv.URL, c)
		})
	}
}

func lifecycle(t *testing.T, emu *emulator.Emulator, emuURL string, c *jurichat.Client) {
	ctx := context.Background()
	rcv := newReceiver(t)

	events, err := c.ListEvents(ctx)
	if err != nil {
		t.Fatalf("events: %v", err)
	}
	if len(events) != len(emulator.JurichatEvents()) || !slices.ContainsFunc(events, func(e jurichat.Event) bool {
		return e.Name == "webhook.test" && e.Description != ""
	}) {
		t.Errorf("events %+v", events)
	}

	created, err := c.CreateWebhook(ctx, jurichat.CreateWebhookRequest{
		Name: "CRM sync", URL: rcv.URL + "/in", Events: []string{"webhook.test", "crm.lead.created"},
		Description: ptr("to the CRM"), Headers: map[string]string{"X-Env": "test"},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	stored, ok := emu.JurichatWebhook(created.ID)
	if !ok {
		t.Fatal("the emulator holds no webhook after create")
	}
	if created.Secret == "" || created.Secret != stored.Secret || !created.IsActive || created.OfficeID == "" ||
		created.Description == nil || *created.Description != "to the CRM" || created.Headers["X-Env"] != "test" ||
		!slices.Equal(created.Events, []string{"webhook.test", "crm.lead.created"}) {
		t.Errorf("created %+v", created)
	}

	got, err := c.GetWebhook(ctx, created.ID)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if got.Secret != created.Secret || got.Headers["X-Env"] != "test" || got.Name != "CRM sync" {
		t.Errorf("get %+v", got)
	}

	list, err := c.ListWebhooks(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v %+v", err, list)
	}
	if list[0].ID != created.ID || list[0].Secret != "" || list[0].Headers != nil || list[0].Stats == nil {
		t.Errorf("list item %+v", list[0])
	}

	// Only the set fields travel, and null clears.
	emu.ResetRequests()
	updated, err := c.UpdateWebhook(ctx, created.ID, jurichat.UpdateWebhookRequest{Name: ptr("CRM sync v2"), ClearDescription: true, ClearHeaders: true})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if updated.Name != "CRM sync v2" || updated.Description != nil || len(updated.Headers) != 0 || updated.Secret != "" ||
		updated.URL != created.URL || !slices.Equal(updated.Events, created.Events) {
		t.Errorf("updated %+v", updated)
	}
	if reqs := emu.Requests(); len(reqs) != 1 || string(reqs[0].Body) != `{"name":"CRM sync v2","description":null,"headers":null}` {
		t.Errorf("the server received %+v", reqs)
	}
	if s, _ := emu.JurichatWebhook(created.ID); s.Description != nil || len(s.Headers) != 0 || s.Secret != created.Secret {
		t.Errorf("stored after update %+v", s)
	}

	_, err = c.UpdateWebhook(ctx, created.ID, jurichat.UpdateWebhookRequest{Events: []string{}})
	var apiErr *transport.APIError
	if !errors.Is(err, jurichat.ErrValidation) || !errors.As(err, &apiErr) || apiErr.Message == "" || apiErr.Message == "Bad Request" {
		t.Errorf("empty events: %v", err)
	}

	// Deliveries: one success, one failure, a retry of the failure.
	rcv.set(created.Secret, 200)
	deliver(t, emuURL, created.ID)
	rcv.set(created.Secret, 500)
	deliver(t, emuURL, created.ID)
	rcv.mu.Lock()
	if len(rcv.verified) != 2 || !rcv.verified[0] || !rcv.verified[1] {
		t.Errorf("signatures verified: %v", rcv.verified)
	}
	rcv.mu.Unlock()

	page, err := c.ListDeliveries(ctx, created.ID, jurichat.DeliveryQuery{Page: 1, Limit: 10})
	if err != nil {
		t.Fatalf("deliveries: %v", err)
	}
	if page.Total != 2 || len(page.Data) != 2 || page.Page != 1 || page.Limit != 10 || page.TotalPages != 1 {
		t.Fatalf("page %+v", page)
	}
	failed, err := c.ListDeliveries(ctx, created.ID, jurichat.DeliveryQuery{Status: "FAILED", Event: "webhook.test"})
	if err != nil || len(failed.Data) != 1 {
		t.Fatalf("failed deliveries: %v %+v", err, failed)
	}
	d := failed.Data[0]
	if d.Status != "FAILED" || d.StatusCode == nil || *d.StatusCode != 500 || d.WebhookID != created.ID || d.Event != "webhook.test" ||
		d.ErrorMessage == nil || len(d.Payload) == 0 || d.AttemptCount != 1 || d.CreatedAt == "" || d.ExpiresAt == "" {
		t.Errorf("failed delivery %+v", d)
	}
	one, err := c.GetDelivery(ctx, created.ID, d.ID)
	if err != nil || one.ID != d.ID || one.Status != "FAILED" {
		t.Errorf("get delivery: %v %+v", err, one)
	}
	msg, err := c.RetryDelivery(ctx, d.ID)
	if err != nil || msg == "" {
		t.Errorf("retry: %q %v", msg, err)
	}
	// The retry is attempted at once, in the background; the receiver still answers 500.
	emu.WaitDeliveries()
	if one, _ := c.GetDelivery(ctx, created.ID, d.ID); one == nil || one.Status != "FAILED" || one.AttemptCount != 2 ||
		one.StatusCode == nil || *one.StatusCode != 500 || one.NextRetryAt != nil {
		t.Errorf("after retry %+v", one)
	}
	succeeded, err := c.ListDeliveries(ctx, created.ID, jurichat.DeliveryQuery{Status: "SUCCESS"})
	if err != nil || len(succeeded.Data) != 1 {
		t.Fatalf("successful deliveries: %v %+v", err, succeeded)
	}
	if _, err := c.RetryDelivery(ctx, succeeded.Data[0].ID); !errors.Is(err, jurichat.ErrValidation) {
		t.Errorf("retrying a successful delivery: %v", err)
	}
	if _, err := c.GetDelivery(ctx, created.ID, "no-such-delivery"); !errors.Is(err, jurichat.ErrNotFound) {
		t.Errorf("unknown delivery: %v", err)
	}

	if err := c.DeleteWebhook(ctx, created.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := c.GetWebhook(ctx, created.ID); !errors.Is(err, jurichat.ErrNotFound) {
		t.Errorf("get after delete: %v", err)
	}
	if err := c.DeleteWebhook(ctx, created.ID); !errors.Is(err, jurichat.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if list, err := c.ListWebhooks(ctx); err != nil || len(list) != 0 {
		t.Errorf("list after delete: %v %+v", err, list)
	}
}

func deliver(t *testing.T, emuURL, id string) {
	t.Helper()
	resp, err := http.Post(emuURL+"/_emulator/jurichat/webhooks/"+id+"/deliver", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestEmulatorRejectsWrongCredentials(t *testing.T) {
	srv := httptest.NewServer(emulator.New(emulator.DefaultOptions()))
	defer srv.Close()
	for _, cfg := range []jurichat.Config{{Token: "wrong-token"}, {APIKey: "wrong-key"}} {
		cfg.BaseURL, cfg.HTTPClient = srv.URL+"/jurichat", fastHTTP()
		c, err := jurichat.NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ListWebhooks(context.Background())
		if !errors.Is(err, jurichat.ErrUnauthorized) {
			t.Errorf("wrong credentials: %v", err)
		}
		if strings.Contains(err.Error(), "wrong-") {
			t.Error("the error repeats the credential")
		}
	}
}
