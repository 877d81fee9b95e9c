package jelou_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelou"
)

// answerLatency holds the emulator's answers to changes after it has acted;
// short, since the settling regenerate waits for it as well.
const answerLatency = 400 * time.Millisecond

const (
	regenerateKey = "POST /jelou/v1/external-support/{projectId}/secret/regenerate"
	createKey     = "POST /jelou/v1/external-support/{projectId}"
	patchKey      = "PATCH /jelou/v1/external-support/{projectId}"
)

func stoppable(t *testing.T) (*emulator.Emulator, *jelou.Client) {
	t.Helper()
	opts := emulator.DefaultOptions()
	opts.AnswerLatency = answerLatency
	emu := emulator.New(opts)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	c, err := jelou.NewClient(jelou.Config{BaseURL: srv.URL + "/jelou", APIKey: emulator.DefaultJelouAPIKey, HTTPClient: fastHTTP()})
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
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if cond() {
				return
			}
		}
	}()
	return ctx
}

func stored(emu *emulator.Emulator, projectID string) func() bool {
	return func() bool { _, ok := emu.JelouIntegration(projectID); return ok }
}

func TestCreateIntegrationStoppedRegenerates(t *testing.T) {
	emu, c := stoppable(t)
	req := jelou.CreateIntegrationRequest{WebhookURL: "https://panel.example.com/h", AuthType: "bearer", Authorization: "tok"}
	got, err := c.CreateIntegration(stopWhen(t, stored(emu, "p1")), "p1", req)
	if err != nil {
		t.Fatalf("stopped create = %v, want the integration with a regenerated secret", err)
	}
	server, _ := emu.JelouIntegration("p1")
	if got.SigningSecret == "" || got.SigningSecret != server.SigningSecret || got.ID != server.ID {
		t.Errorf("returned id %q and a secret equal to the server's: %v", got.ID, got.SigningSecret == server.SigningSecret)
	}
	if r := got.Recovery; r == nil || !r.Stopped || r.Regenerated != server.ID || r.Attempts != 1 {
		t.Errorf("Recovery = %+v", r)
	}
	counts := emu.RequestCounts()
	if counts[createKey] != 1 || counts[regenerateKey] != 1 || counts["DELETE /jelou/v1/external-support/{projectId}"] != 0 {
		t.Errorf("requests = %v, want one create, one regenerate, no delete", counts)
	}
}

func TestCreateIntegrationStoppedNeverTouchesUnproven(t *testing.T) {
	emu, c := stoppable(t)
	// An integration made long ago by someone else: the stopped create meets 409.
	if _, err := c.CreateIntegration(t.Context(), "p1", jelou.CreateIntegrationRequest{WebhookURL: "https://panel.example.com/h"}); err != nil {
		t.Fatal(err)
	}
	emu.ModifyJelouIntegration("p1", func(i *emulator.JelouIntegration) { i.CreatedAt = i.CreatedAt.Add(-time.Hour) })
	before, _ := emu.JelouIntegration("p1")
	emu.ResetRequests()

	ctx := stopWhen(t, func() bool { return emu.RequestCounts()[createKey] == 1 })
	_, err := c.CreateIntegration(ctx, "p1", jelou.CreateIntegrationRequest{WebhookURL: "https://panel.example.com/h"})
	if !errors.Is(err, jelou.ErrUnprovenIntegration) {
		t.Fatalf("stopped create next to someone else's integration = %v, want ErrUnprovenIntegration", err)
	}
	after, _ := emu.JelouIntegration("p1")
	if after.SigningSecret != before.SigningSecret || emu.RequestCounts()[regenerateKey] != 0 {
		t.Error("an unproven integration was regenerated")
	}
}

func TestRegenerateStoppedSendsAgain(t *testing.T) {
	emu, c := stoppable(t)
	if _, err := c.CreateIntegration(t.Context(), "p1", jelou.CreateIntegrationRequest{WebhookURL: "https://panel.example.com/h"}); err != nil {
		t.Fatal(err)
	}
	first, _ := emu.JelouIntegration("p1")
	ctx := stopWhen(t, func() bool { i, _ := emu.JelouIntegration("p1"); return i.SigningSecret != first.SigningSecret })
	got, err := c.RegenerateSigningSecret(ctx, "p1")
	if err != nil {
		t.Fatalf("stopped regenerate = %v, want the secret of a regenerate sent again", err)
	}
	server, _ := emu.JelouIntegration("p1")
	if got.SigningSecret != server.SigningSecret || got.Attempts != 2 || emu.RequestCounts()[regenerateKey] != 2 {
		t.Errorf("secret equal to the server's: %v; attempts %d, regenerates %d; want 2",
			got.SigningSecret == server.SigningSecret, got.Attempts, emu.RequestCounts()[regenerateKey])
	}
}

func TestUpdateIntegrationStoppedReadsBack(t *testing.T) {
	emu, c := stoppable(t)
	if _, err := c.CreateIntegration(t.Context(), "p1", jelou.CreateIntegrationRequest{WebhookURL: "https://panel.example.com/h"}); err != nil {
		t.Fatal(err)
	}
	newURL := "https://panel.example.com/v2"
	ctx := stopWhen(t, func() bool { i, _ := emu.JelouIntegration("p1"); return i.WebhookURL == newURL })
	got, err := c.UpdateIntegration(ctx, "p1", jelou.UpdateIntegrationRequest{WebhookURL: &newURL})
	if err != nil {
		t.Fatalf("stopped update = %v, want the applied change read back", err)
	}
	if got.WebhookURL != newURL || emu.RequestCounts()[patchKey] != 1 {
		t.Errorf("read back %q after %d PATCHes", got.WebhookURL, emu.RequestCounts()[patchKey])
	}

	// Only the credential, which Jelou never returns: the PATCH is sent
	// again on the settle context, and its answer tells.
	cred := "new-credential"
	emu.ResetRequests()
	ctx = stopWhen(t, func() bool { i, _ := emu.JelouIntegration("p1"); return i.Authorization == cred })
	if _, err := c.UpdateIntegration(ctx, "p1", jelou.UpdateIntegrationRequest{Authorization: &cred}); err != nil {
		t.Fatalf("stopped credential update = %v", err)
	}
	if n := emu.RequestCounts()[patchKey]; n != 2 {
		t.Errorf("PATCHes = %d, want 2 (the first stopped, one sent again)", n)
	}
}

func TestStoppedUpdateErrorNotApplied(t *testing.T) {
	err := &jelou.StoppedUpdateError{ProjectID: "p1", Read: true, Err: errors.New("reset")}
	if !errors.Is(err, context.Canceled) || errors.Is(err, jelou.ErrOutcomeUnknown) {
		t.Errorf("a read-back update error must say stopped, not unknown: %v", err)
	}
	unknown := &jelou.StoppedUpdateError{ProjectID: "p1", Err: jelou.ErrOutcomeUnknown, CheckErr: context.DeadlineExceeded}
	if !errors.Is(unknown, jelou.ErrOutcomeUnknown) {
		t.Errorf("an unsettled update error must stay unknown: %v", unknown)
	}
}
