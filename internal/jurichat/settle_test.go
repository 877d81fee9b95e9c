package jurichat_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
)

// stoppable starts an emulator whose answers to changes arrive a minute
// after it has acted, and a client of it.
func stoppable(t *testing.T) (*emulator.Emulator, *jurichat.Client) {
	t.Helper()
	opts := emulator.DefaultOptions()
	opts.AnswerLatency = time.Minute
	emu := emulator.New(opts)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	c, err := jurichat.NewClient(jurichat.Config{BaseURL: srv.URL + "/jurichat", Token: emulator.DefaultJurichatToken, HTTPClient: fastHTTP()})
	if err != nil {
		t.Fatal(err)
	}
	return emu, c
}

// stopWhen cancels the returned context as soon as cond holds (the server has
// acted): the call in flight loses its answer the way a stopped apply does.
func stopWhen(t *testing.T, cond func() bool) context.Context {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	go func() {
		defer cancel()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
			if cond() {
				return
			}
		}
	}()
	return ctx
}

// settles fails when a call settling a stop took longer than it should: the
// answer latency is a minute, so only a settle that does not wait for it
// ends in time.
func settles(t *testing.T, start time.Time) {
	t.Helper()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the stopped call returned after %v", d)
	}
}

func TestCreateWebhookStoppedAdopts(t *testing.T) {
	emu, c := stoppable(t)
	req := jurichat.CreateWebhookRequest{Name: "crm", URL: "https://crm.example.com/h", Events: []string{"crm.lead.created"},
		Headers: map[string]string{"X-Token": "t"}}
	ctx := stopWhen(t, func() bool { return len(emu.JurichatWebhooks()) == 1 })
	start := time.Now()
	hook, err := c.CreateWebhook(ctx, req)
	settles(t, start)
	if err != nil {
		t.Fatalf("stopped create = %v, want the stored webhook adopted", err)
	}
	stored := emu.JurichatWebhooks()
	if len(stored) != 1 || hook.ID != stored[0].ID || hook.Secret != stored[0].Secret || hook.Secret == "" {
		t.Fatalf("adopted %+v, server holds %d webhooks", hook.ID, len(stored))
	}
	if r := hook.Recovery; r == nil || !r.Adopted || !r.Stopped || r.Attempts != 1 {
		t.Errorf("Recovery = %+v, want adopted after a stop, one create", r)
	}
	if n := emu.RequestCounts()["POST /jurichat/webhooks"]; n != 1 {
		t.Errorf("creates sent = %d, want 1 (no resend after a stop)", n)
	}
}

func TestCreateWebhookStoppedNothingStored(t *testing.T) {
	// The create is stopped before it reaches the server's handler: a
	// latency before acting holds it, and nothing is stored.
	opts := emulator.DefaultOptions()
	opts.Latency = time.Minute
	emu := emulator.New(opts)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	c, err := jurichat.NewClient(jurichat.Config{BaseURL: srv.URL + "/jurichat", Token: emulator.DefaultJurichatToken, HTTPClient: fastHTTP()})
	if err != nil {
		t.Fatal(err)
	}
	jurichat.SetSettleTimeout(c, 300*time.Millisecond)
	ctx := stopWhen(t, func() bool { return len(emu.Requests()) == 1 })
	_, err = c.CreateWebhook(ctx, jurichat.CreateWebhookRequest{Name: "n", URL: "https://a.example/h", Events: []string{"crm.lead.created"}})
	// The list is held by the latency too, so settling runs out its bound
	// (or finds nothing): either way nothing is adopted and nothing resent.
	if err == nil {
		t.Fatal("a stopped create that stored nothing succeeded")
	}
	if len(emu.JurichatWebhooks()) != 0 || emu.RequestCounts()["POST /jurichat/webhooks"] != 1 {
		t.Errorf("stored %d, creates sent %d; want 0 and 1", len(emu.JurichatWebhooks()), emu.RequestCounts()["POST /jurichat/webhooks"])
	}
}

func TestUpdateWebhookStoppedReadsBack(t *testing.T) {
	emu, c := stoppable(t)
	ctx := stopWhen(t, func() bool { return len(emu.JurichatWebhooks()) == 1 })
	hook, err := c.CreateWebhook(ctx, jurichat.CreateWebhookRequest{Name: "n", URL: "https://a.example/h", Events: []string{"crm.lead.created"}})
	if err != nil {
		t.Fatal(err)
	}
	newURL := "https://b.example/h"
	ctx = stopWhen(t, func() bool { h, _ := emu.JurichatWebhook(hook.ID); return h.URL == newURL })
	start := time.Now()
	got, err := c.UpdateWebhook(ctx, hook.ID, jurichat.UpdateWebhookRequest{URL: &newURL, Headers: map[string]string{"X-A": "1"}})
	settles(t, start)
	if err != nil {
		t.Fatalf("stopped update = %v, want the applied change read back", err)
	}
	if got.URL != newURL || got.Headers["X-A"] != "1" || got.Secret != "" {
		t.Errorf("read back url %q headers %v secret set %v", got.URL, got.Headers, got.Secret != "")
	}
	if n := emu.RequestCounts()["PATCH /jurichat/webhooks/{webhookId}"]; n != 1 {
		t.Errorf("PATCHes sent = %d, want 1", n)
	}
}

func TestStoppedUpdateErrorNotApplied(t *testing.T) {
	err := &jurichat.StoppedUpdateError{ID: "w1", Read: true, Err: errors.New("reset")}
	if !errors.Is(err, context.Canceled) || errors.Is(err, jurichat.ErrOutcomeUnknown) {
		t.Errorf("a read-back update error must say stopped, not unknown: %v", err)
	}
	unknown := &jurichat.StoppedUpdateError{ID: "w1", Err: jurichat.ErrOutcomeUnknown, CheckErr: context.DeadlineExceeded}
	if !errors.Is(unknown, jurichat.ErrOutcomeUnknown) || !errors.Is(unknown, context.DeadlineExceeded) {
		t.Errorf("an unsettled update error must stay unknown: %v", unknown)
	}
}
