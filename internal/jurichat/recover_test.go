package jurichat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport/transporttest"
)

// Faults the store injects into creates (POST /webhooks), one per create in
// order; creates beyond the list succeed.
const (
	faultNone        = ""
	faultCommitReset = "commit-reset" // store the webhook, then reset the connection without answering
	faultReset       = "reset"        // reset the connection without storing anything
	faultCommit504   = "commit-504"   // store the webhook, then answer 504 (a gateway gave up)
	faultCommitHTML  = "commit-html"  // store the webhook, then answer 200 with a proxy's HTML page
	faultCommitHang  = "commit-hang"  // store the webhook, then answer nothing until the client gives up
)

type storedHook struct {
	ID, Name, URL, Secret string
	Description           *string
	Events                []string
	IsActive              bool
	Headers               map[string]string
	CreatedAt             string
}

func (h storedHook) json(full bool) map[string]any {
	m := map[string]any{"id": h.ID, "officeId": "off_1", "name": h.Name, "description": h.Description, "url": h.URL,
		"events": h.Events, "isActive": h.IsActive, "createdAt": h.CreatedAt, "updatedAt": h.CreatedAt}
	if full {
		m["secret"], m["headers"] = h.Secret, h.Headers
	} else {
		m["stats"] = map[string]any{"totalDeliveries": 0, "successCount": 0, "failedCount": 0, "successRate": 0}
	}
	return m
}

// hookStore is a JuriChat Webhooks API with scripted faults and a log of the
// requests it received ("POST", "LIST", "GET <id>").
type hookStore struct {
	*httptest.Server
	mu        sync.Mutex
	hooks     []storedHook
	faults    []string
	log       []string
	seq       int
	listFails int
	listCode  int
	onPOST    func()
}

func newHookStore(t *testing.T, faults ...string) *hookStore {
	t.Helper()
	s := &hookStore{faults: faults}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func now() string { return time.Now().UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano) }

// add stores a webhook made by someone else, created at createdAt.
func (s *hookStore) add(req CreateWebhookRequest, createdAt string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.storeLocked(req, createdAt).ID
}

func (s *hookStore) storeLocked(req CreateWebhookRequest, createdAt string) storedHook {
	s.seq++
	h := storedHook{ID: fmt.Sprintf("wh_%d", s.seq), Name: req.Name, URL: req.URL, Description: req.Description,
		Events: req.Events, IsActive: req.IsActive == nil || *req.IsActive, Headers: maps.Clone(req.Headers),
		Secret: fmt.Sprintf("whsec_stored_%d", s.seq), CreatedAt: createdAt}
	if h.Headers == nil {
		h.Headers = map[string]string{}
	}
	s.hooks = append(s.hooks, h)
	return h
}

func (s *hookStore) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/webhooks":
		s.log = append(s.log, "POST")
		if s.onPOST != nil {
			s.onPOST()
		}
		fault := faultNone
		if len(s.faults) > 0 {
			fault, s.faults = s.faults[0], s.faults[1:]
		}
		if fault == faultReset {
			s.mu.Unlock()
			transporttest.ResetConnection(w)
			return
		}
		var req CreateWebhookRequest
		_ = json.Unmarshal(body, &req)
		h := s.storeLocked(req, now())
		s.mu.Unlock()
		switch fault {
		case faultCommitReset:
			transporttest.ResetConnection(w)
		case faultCommit504:
			w.WriteHeader(http.StatusGatewayTimeout)
		case faultCommitHTML:
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html><body>Signed in</body></html>"))
		case faultCommitHang:
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		default:
			answer(w, http.StatusCreated, h.json(true))
		}
	case r.Method == http.MethodGet && r.URL.Path == "/webhooks":
		s.log = append(s.log, "LIST")
		if s.listFails > 0 {
			s.listFails--
			code := s.listCode
			s.mu.Unlock()
			answer(w, code, map[string]any{"statusCode": code, "message": "listing refused"})
			return
		}
		out := make([]map[string]any, 0, len(s.hooks))
		for _, h := range s.hooks {
			out = append(out, h.json(false))
		}
		s.mu.Unlock()
		answer(w, http.StatusOK, out)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/webhooks/"):
		id := strings.TrimPrefix(r.URL.Path, "/webhooks/")
		s.log = append(s.log, "GET "+id)
		for _, h := range s.hooks {
			if h.ID == id {
				s.mu.Unlock()
				answer(w, http.StatusOK, h.json(true))
				return
			}
		}
		s.mu.Unlock()
		answer(w, http.StatusNotFound, map[string]any{"statusCode": 404, "message": "Webhook not found"})
	default:
		s.mu.Unlock()
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func answer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *hookStore) requests() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.log, ", ")
}

func (s *hookStore) stored() []storedHook {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.hooks)
}

func (s *hookStore) client(t *testing.T, maxRetries int) *Client {
	t.Helper()
	c, err := NewClient(Config{BaseURL: s.URL, APIKey: testKey, MaxRetries: maxRetries,
		HTTPClient: transport.NewHTTPClient(transport.Options{MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var hookSent = CreateWebhookRequest{
	Name: "CRM sync", URL: "https://hooks.example.com/in", Events: []string{"crm.lead.created", "contact.updated"},
	Description: ptr("leads to CRM"), IsActive: ptr(true), Headers: map[string]string{"X-Receiver-Token": "receiver-token-3"},
}

func checkNoHookSecrets(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if strings.Contains(err.Error(), "receiver-token-3") || strings.Contains(err.Error(), "whsec_") || strings.Contains(err.Error(), testKey) {
		t.Errorf("the error text carries a secret: %v", err)
	}
}

// The server stores the webhook and the answer is lost: the webhook is found
// by list-and-match and adopted, secret included, instead of duplicated.
func TestCreateWebhookCommitThenResetAdopts(t *testing.T) {
	for _, fault := range []string{faultCommitReset, faultCommit504, faultCommitHTML} {
		t.Run(fault, func(t *testing.T) {
			s := newHookStore(t, fault)
			got, err := s.client(t, 0).CreateWebhook(context.Background(), hookSent)
			if err != nil {
				t.Fatal(err)
			}
			stored := s.stored()
			if len(stored) != 1 {
				t.Fatalf("the server holds %d webhooks, want 1", len(stored))
			}
			if got.ID != stored[0].ID || got.Secret != stored[0].Secret || !maps.Equal(got.Headers, hookSent.Headers) {
				t.Errorf("adopted %s, want the stored webhook with its secret and headers", got.ID)
			}
			if got.Recovery == nil || !got.Recovery.Adopted || got.Recovery.Attempts != 1 {
				t.Errorf("Recovery = %+v, want adopted after 1 attempt", got.Recovery)
			}
			if r := s.requests(); r != "POST, LIST, GET wh_1" {
				t.Errorf("requests %q", r)
			}
		})
	}
}

// The connection drops before anything was stored: the create is sent again.
func TestCreateWebhookResetBeforeStoreResends(t *testing.T) {
	s := newHookStore(t, faultReset)
	got, err := s.client(t, 0).CreateWebhook(context.Background(), hookSent)
	if err != nil {
		t.Fatal(err)
	}
	if stored := s.stored(); len(stored) != 1 || got.ID != stored[0].ID || got.Secret != stored[0].Secret {
		t.Fatalf("got %s; the server holds %d", got.ID, len(stored))
	}
	if got.Recovery == nil || got.Recovery.Adopted || got.Recovery.Attempts != 2 {
		t.Errorf("Recovery = %+v, want 2 attempts, not adopted", got.Recovery)
	}
	if r := s.requests(); r != "POST, LIST, POST" {
		t.Errorf("requests %q", r)
	}
}

// Identical webhooks that existed before the create, or differ in what the
// list does not show (headers), are not taken for the create's.
func TestCreateWebhookAdoptsOnlyItsOwn(t *testing.T) {
	t.Run("an older identical webhook", func(t *testing.T) {
		s := newHookStore(t, faultCommitReset)
		oldID := s.add(hookSent, time.Now().Add(-time.Hour).UTC().Format(time.RFC3339))
		got, err := s.client(t, 0).CreateWebhook(context.Background(), hookSent)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID == oldID || got.Recovery == nil || !got.Recovery.Adopted {
			t.Errorf("adopted %s (old one: %s)", got.ID, oldID)
		}
		if r := s.requests(); r != "POST, LIST, GET wh_2" {
			t.Errorf("requests %q: the older webhook need not even be read", r)
		}
	})
	t.Run("a recent webhook with other headers", func(t *testing.T) {
		s := newHookStore(t, faultCommitReset)
		other := hookSent
		other.Headers = map[string]string{"X-Receiver-Token": "someone-elses"}
		otherID := s.add(other, now())
		got, err := s.client(t, 0).CreateWebhook(context.Background(), hookSent)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID == otherID || got.ID != "wh_2" {
			t.Errorf("adopted %s, want wh_2", got.ID)
		}
	})
	t.Run("header names differ only in case", func(t *testing.T) {
		s := newHookStore(t, faultCommitReset)
		req := hookSent
		req.Headers = map[string]string{"x-receiver-token": "receiver-token-3"}
		got, err := s.client(t, 0).CreateWebhook(context.Background(), req)
		if err != nil || got.Recovery == nil || !got.Recovery.Adopted {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
	t.Run("other fields differ", func(t *testing.T) {
		for name, mutate := range map[string]func(*CreateWebhookRequest){
			"name":        func(r *CreateWebhookRequest) { r.Name = "other" },
			"url":         func(r *CreateWebhookRequest) { r.URL = "https://hooks.example.com/other" },
			"events":      func(r *CreateWebhookRequest) { r.Events = []string{"crm.lead.created"} },
			"isActive":    func(r *CreateWebhookRequest) { r.IsActive = ptr(false) },
			"description": func(r *CreateWebhookRequest) { r.Description = nil },
		} {
			s := newHookStore(t, faultReset)
			other := hookSent
			mutate(&other)
			s.add(other, now())
			got, err := s.client(t, 0).CreateWebhook(context.Background(), hookSent)
			if err != nil || got.Recovery == nil || got.Recovery.Adopted || got.ID != "wh_2" {
				t.Errorf("%s: got %+v, %v; want a new webhook, not the one that differs", name, got, err)
			}
		}
	})
}

// Events match as a set; an absent description matches an empty one; an
// absent isActive matches true.
func TestCreateWebhookMatchNormalises(t *testing.T) {
	s := newHookStore(t, faultCommitReset)
	req := CreateWebhookRequest{Name: "n", URL: "https://h.example.com", Events: []string{"b", "a", "a"}}
	got, err := s.client(t, 0).CreateWebhook(context.Background(), req)
	if err != nil || got.Recovery == nil || !got.Recovery.Adopted {
		t.Fatalf("got %+v, %v", got, err)
	}
	if !matchesSent(Webhook{Name: "n", URL: "https://h.example.com", Events: []string{"a", "b"}, IsActive: true, Description: ptr("")}, req) {
		t.Error("an empty description does not match an absent one")
	}
}

// Several webhooks match: which one is the create's cannot be told, so none
// is adopted and nothing is sent again.
func TestCreateWebhookSeveralCandidates(t *testing.T) {
	t.Run("the create's and another one just before", func(t *testing.T) {
		s := newHookStore(t, faultCommitReset)
		other := s.add(hookSent, time.Now().Add(-time.Second).UTC().Format(time.RFC3339Nano))
		_, err := s.client(t, 0).CreateWebhook(context.Background(), hookSent)
		var amb *AmbiguousCreateError
		if !errors.Is(err, ErrAmbiguousCreate) || !errors.As(err, &amb) {
			t.Fatalf("err = %v, want ErrAmbiguousCreate", err)
		}
		want := []string{"wh_2", other} // newest first
		if !slices.Equal(amb.IDs, want) || !strings.Contains(err.Error(), "wh_2, "+other) {
			t.Errorf("IDs = %v, want %v", amb.IDs, want)
		}
		if r := s.requests(); r != "POST, LIST, GET wh_1, GET wh_2" {
			t.Errorf("requests %q: nothing may be sent again", r)
		}
		if len(s.stored()) != 2 {
			t.Error("webhooks were created or deleted")
		}
		checkNoHookSecrets(t, err)
	})
	t.Run("two by others, none stored by the create", func(t *testing.T) {
		s := newHookStore(t, faultReset)
		a, b := s.add(hookSent, now()), s.add(hookSent, now())
		_, err := s.client(t, 0).CreateWebhook(context.Background(), hookSent)
		var amb *AmbiguousCreateError
		if !errors.As(err, &amb) || len(amb.IDs) != 2 || !slices.Contains(amb.IDs, a) || !slices.Contains(amb.IDs, b) {
			t.Fatalf("err = %v", err)
		}
		if strings.Count(s.requests(), "POST") != 1 || len(s.stored()) != 2 {
			t.Errorf("requests %q: nothing may be created or deleted", s.requests())
		}
	})
}

// With no resends allowed, a create found to have stored nothing ends with
// an error that says so, without ErrOutcomeUnknown; and resends are bounded.
func TestCreateWebhookBoundedResends(t *testing.T) {
	t.Run("none allowed", func(t *testing.T) {
		s := newHookStore(t, faultReset)
		_, err := s.client(t, -1).CreateWebhook(context.Background(), hookSent)
		if err == nil || !strings.Contains(err.Error(), "nothing was created") || errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("err = %v", err)
		}
		if r := s.requests(); r != "POST, LIST" {
			t.Errorf("requests %q", r)
		}
		checkNoHookSecrets(t, err)
	})
	t.Run("two allowed", func(t *testing.T) {
		s := newHookStore(t, faultReset, faultReset, faultReset, faultReset)
		_, err := s.client(t, 2).CreateWebhook(context.Background(), hookSent)
		if err == nil || !strings.Contains(err.Error(), "3 attempt(s)") {
			t.Fatalf("err = %v", err)
		}
		if r := s.requests(); r != "POST, LIST, POST, LIST, POST, LIST" {
			t.Errorf("requests %q", r)
		}
	})
	t.Run("the last resend lands", func(t *testing.T) {
		s := newHookStore(t, faultReset, faultCommitReset)
		got, err := s.client(t, 1).CreateWebhook(context.Background(), hookSent)
		if err != nil || got.Recovery == nil || !got.Recovery.Adopted || got.Recovery.Attempts != 2 || len(s.stored()) != 1 {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
}

// Settling fails: the error says the outcome is unknown and how to check.
func TestCreateWebhookRecoveryFails(t *testing.T) {
	t.Run("list refused", func(t *testing.T) {
		s := newHookStore(t, faultCommitReset)
		s.listFails, s.listCode = 99, http.StatusForbidden
		_, err := s.client(t, 0).CreateWebhook(context.Background(), hookSent)
		var rec *CreateRecoveryError
		if !errors.As(err, &rec) || !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("err = %v", err)
		}
		if !strings.Contains(err.Error(), "GET /webhooks") || !strings.Contains(err.Error(), `named "CRM sync"`) {
			t.Errorf("message %q does not say how to check", err)
		}
		checkNoHookSecrets(t, err)
	})
	t.Run("unreadable createdAt on a match", func(t *testing.T) {
		s := newHookStore(t, faultReset)
		s.add(hookSent, "sometime")
		_, err := s.client(t, 0).CreateWebhook(context.Background(), hookSent)
		var rec *CreateRecoveryError
		if !errors.As(err, &rec) || !strings.Contains(err.Error(), `createdAt "sometime" cannot be read`) {
			t.Fatalf("err = %v", err)
		}
		if strings.Count(s.requests(), "POST") != 1 {
			t.Errorf("requests %q: nothing may be sent again", s.requests())
		}
	})
	t.Run("cancelled while the create is in flight", func(t *testing.T) {
		// Ctrl-C once the server has the request: the create is settled
		// on a context of its own (see settle_test.go), never sent again.
		s := newHookStore(t, faultCommitHang)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s.onPOST = cancel
		got, err := s.client(t, 0).CreateWebhook(ctx, hookSent)
		if err != nil || got.Recovery == nil || !got.Recovery.Adopted || !got.Recovery.Stopped {
			t.Fatalf("err = %v, want the stored webhook adopted after the stop", err)
		}
		if r := s.requests(); r != "POST, LIST, GET wh_1" {
			t.Errorf("requests %q", r)
		}
	})
}

// A plain failure (not outcome-unknown) is returned as is, without reading back.
func TestCreateWebhookPlainFailureNotRecovered(t *testing.T) {
	f := transporttest.NewFake(t)
	f.Reply(400, `{"statusCode":400,"error":"Bad Request","message":"events must contain at least 1 elements"}`)
	_, err := newTestClient(t, f, nil).CreateWebhook(context.Background(), CreateWebhookRequest{Name: "n", URL: "https://h"})
	if !errors.Is(err, ErrValidation) || f.Count() != 1 {
		t.Fatalf("err = %v after %d requests", err, f.Count())
	}
}
