package jelou_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelou"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

func fastHTTP() *http.Client {
	return transport.NewHTTPClient(transport.Options{MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
}

// TestEmulatorLifecycle runs create → get → update → delete against the
// project's emulator, in both response shapes and both credential modes.
func TestEmulatorLifecycle(t *testing.T) {
	auths := map[string]func(*jelou.Config){
		"api key": func(c *jelou.Config) { c.APIKey = emulator.DefaultJelouAPIKey },
		"basic": func(c *jelou.Config) {
			c.ClientID, c.ClientSecret = emulator.DefaultJelouClientID, emulator.DefaultJelouClientSecret
		},
	}
	for _, shape := range []string{emulator.ShapeEnvelope, emulator.ShapeFlat} {
		for authName, auth := range auths {
			t.Run(shape+"/"+authName, func(t *testing.T) {
				opts := emulator.DefaultOptions()
				opts.JelouShape = shape
				emu := emulator.New(opts)
				srv := httptest.NewServer(emu)
				defer srv.Close()

				cfg := jelou.Config{BaseURL: srv.URL + "/jelou", UserAgent: "terraform-provider-jelou/test", HTTPClient: fastHTTP()}
				auth(&cfg)
				c, err := jelou.NewClient(cfg)
				if err != nil {
					t.Fatal(err)
				}
				lifecycle(t, emu, c)
			})
		}
	}
}

func lifecycle(t *testing.T, emu *emulator.Emulator, c *jelou.Client) {
	ctx := context.Background()
	const project = "proj-123"

	if _, err := c.GetIntegration(ctx, project); !errors.Is(err, jelou.ErrNotFound) {
		t.Fatalf("get before create: %v, want ErrNotFound", err)
	}

	created, err := c.CreateIntegration(ctx, project, jelou.CreateIntegrationRequest{
		WebhookURL: "https://panel.example.com/jelou", AuthType: "bearer", Authorization: "panel-token-1",
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	stored, ok := emu.JelouIntegration(project)
	if !ok {
		t.Fatal("the emulator holds no integration after create")
	}
	if created.ID == "" || created.ID != stored.ID || created.BrainID != project ||
		created.WebhookURL != "https://panel.example.com/jelou" || created.AuthType != "bearer" || created.CreatedAt == "" {
		t.Errorf("created %+v", created)
	}
	if created.SigningSecret == "" || created.SigningSecret != stored.SigningSecret {
		t.Error("create must return the signing secret the server stores")
	}
	if stored.Authorization != "panel-token-1" {
		t.Error("the authorization credential did not reach the server")
	}

	if _, err := c.CreateIntegration(ctx, project, jelou.CreateIntegrationRequest{WebhookURL: "https://other.example.com"}); !errors.Is(err, jelou.ErrConflict) {
		t.Errorf("second create: %v, want ErrConflict", err)
	}

	got, err := c.GetIntegration(ctx, project)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if got.ID != created.ID || got.SigningSecret != "" || got.WebhookURL != created.WebhookURL || got.UpdatedAt == "" {
		t.Errorf("get %+v", got)
	}

	emu.ResetRequests()
	newURL := "https://panel.example.com/jelou/v2"
	updated, err := c.UpdateIntegration(ctx, project, jelou.UpdateIntegrationRequest{WebhookURL: &newURL})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if updated.WebhookURL != newURL || updated.AuthType != "bearer" || updated.SigningSecret != "" || updated.ID != created.ID {
		t.Errorf("updated %+v", updated)
	}
	if s, _ := emu.JelouIntegration(project); s.Authorization != "panel-token-1" || s.SigningSecret != stored.SigningSecret {
		t.Error("an update of webhookUrl alone changed other fields")
	}
	reqs := emu.Requests()
	if len(reqs) != 1 || reqs[0].Method != "PATCH" || string(reqs[0].Body) != `{"webhookUrl":"`+newURL+`"}` {
		t.Errorf("the server received %+v", reqs)
	}

	emu.ResetRequests()
	regenerated, err := c.RegenerateSigningSecret(ctx, project)
	if err != nil {
		t.Fatalf("regenerate: %v", err)
	}
	if s, _ := emu.JelouIntegration(project); regenerated.SigningSecret != s.SigningSecret || s.SigningSecret == stored.SigningSecret ||
		s.ID != created.ID || s.WebhookURL != newURL || regenerated.Attempts != 1 {
		t.Error("regenerate must return the new secret the server stores, and keep the integration")
	}
	if reqs := emu.Requests(); len(reqs) != 1 || reqs[0].Path != "/jelou/v1/external-support/"+project+"/secret/regenerate" || len(reqs[0].Body) != 0 {
		t.Errorf("the server received %+v", reqs)
	}

	bad := "http://not-loopback.example.com/hook"
	_, err = c.UpdateIntegration(ctx, project, jelou.UpdateIntegrationRequest{WebhookURL: &bad})
	var apiErr *transport.APIError
	if !errors.Is(err, jelou.ErrValidation) || !errors.As(err, &apiErr) || !strings.Contains(apiErr.Message, "webhookUrl") {
		t.Errorf("invalid update: %v", err)
	}

	if err := c.DeleteIntegration(ctx, project); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, ok := emu.JelouIntegration(project); ok {
		t.Error("the integration survived delete")
	}
	if _, err := c.GetIntegration(ctx, project); !errors.Is(err, jelou.ErrNotFound) {
		t.Errorf("get after delete: %v", err)
	}
	if _, err := c.RegenerateSigningSecret(ctx, project); !errors.Is(err, jelou.ErrNotFound) {
		t.Errorf("regenerate after delete: %v", err)
	}
	if err := c.DeleteIntegration(ctx, project); !errors.Is(err, jelou.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}

	again, err := c.CreateIntegration(ctx, project, jelou.CreateIntegrationRequest{WebhookURL: "https://panel.example.com/jelou"})
	if err != nil {
		t.Fatalf("re-create: %v", err)
	}
	if again.SigningSecret == "" || again.SigningSecret == created.SigningSecret || again.AuthType != "no_auth" {
		t.Errorf("re-create must yield a new secret and the default auth type: %+v", again.AuthType)
	}
}

// TestEmulatorSparseGet reads an integration from the emulator's sparse GET
// (no id, no authType): nothing absent is read as empty.
func TestEmulatorSparseGet(t *testing.T) {
	opts := emulator.DefaultOptions()
	opts.JelouSparseGet = true
	emu := emulator.New(opts)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	c, err := jelou.NewClient(jelou.Config{BaseURL: srv.URL + "/jelou", APIKey: emulator.DefaultJelouAPIKey, HTTPClient: fastHTTP()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.CreateIntegration(ctx, "p1", jelou.CreateIntegrationRequest{WebhookURL: "https://panel.example.com/h", AuthType: "api_key", Authorization: "k-1"}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetIntegration(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "" || got.AuthType != "" || got.BrainID != "p1" || got.WebhookURL != "https://panel.example.com/h" || got.CreatedAt == "" || got.UpdatedAt == "" {
		t.Errorf("sparse get %+v", got)
	}
}

func TestEmulatorRejectsWrongCredentials(t *testing.T) {
	srv := httptest.NewServer(emulator.New(emulator.DefaultOptions()))
	defer srv.Close()
	for _, cfg := range []jelou.Config{
		{BaseURL: srv.URL + "/jelou", APIKey: "wrong-key"},
		{BaseURL: srv.URL + "/jelou", ClientID: emulator.DefaultJelouClientID, ClientSecret: "wrong-secret"},
	} {
		cfg.HTTPClient = fastHTTP()
		c, err := jelou.NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetIntegration(context.Background(), "p1")
		var apiErr *transport.APIError
		if !errors.Is(err, jelou.ErrUnauthorized) || !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
			t.Errorf("wrong credentials: %v", err)
		}
		if strings.Contains(err.Error(), "wrong-") {
			t.Error("the error repeats the credential")
		}
	}
}
