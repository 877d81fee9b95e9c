package jurichat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport/transporttest"
)

// Faults the store injects into creates (POST /webhooks), one per create in
// order; creates beyond the list succeed. Each is a fault of the emulator
// (see hookFault).
const (
	faultCommitReset = "commit-reset" // store the webhook, then reset the connection without answering
	faultReset       = "reset"        // reset the connection without storing anything
	faultCommit504   = "commit-504"   // store the webhook, then answer 504 (a gateway gave up)
	faultCommitHTML  = "commit-html"  // store the webhook, then answer 200 with a proxy's HTML page
	faultCommitHang  = "commit-hang"  // store the webhook, then answer nothing until the client gives up
)

// hookStore is the emulator's JuriChat API with the test's faults scripted
// on it, and a log of the requests it received ("POST", "LIST", "GET <id>").
type hookStore struct {
	*emulator.Emulator
	URL string // the JuriChat base URL

	mu     sync.Mutex
	onPOST func() // called when a faulted create arrives
}

func newHookStore(t *testing.T, faults ...string) *hookStore {
	t.Helper()
	s := &hookStore{Emulator: emulator.New(emulator.Options{JurichatAPIKey: testKey})}
	srv := httptest.NewServer(s.Emulator)
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/jurichat"
	for _, f := range faults {
		s.MustScript(emulator.RouteJurichatCreate, s.hookFault(f), 1)
	}
	return s
}

// hookFault is the emulator fault of a create fault.
func (s *hookStore) hookFault(name string) emulator.Fault {
	actThen := func(write func(http.ResponseWriter)) emulator.Fault {
		return emulator.Custom(name, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			next.ServeHTTP(httptest.NewRecorder(), r)
			write(w)
		})
	}
	switch name {
	case faultCommitReset:
		return emulator.CommitReset
	case faultReset:
		return emulator.Reset
	case faultCommit504:
		return actThen(func(w http.ResponseWriter) { w.WriteHeader(http.StatusGatewayTimeout) })
	case faultCommitHTML:
		return actThen(func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html><body>Signed in</body></html>"))
		})
	case faultCommitHang:
		return emulator.Custom(name, func(_ http.ResponseWriter, r *http.Request, next http.Handler) {
			// Store first, then run the hook: a hook that stops the client
			// must find the create already stored, as the test's reads do.
			next.ServeHTTP(httptest.NewRecorder(), r)
			s.mu.Lock()
			onPOST := s.onPOST
			s.mu.Unlock()
			if onPOST != nil {
				onPOST()
			}
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		})
	}
	panic("unknown store fault " + name)
}

func now() string { return time.Now().UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano) }

// add stores a webhook made by someone else, created at createdAt (RFC
// 3339, or text the store answers as is).
func (s *hookStore) add(req CreateWebhookRequest, createdAt string) string {
	h := emulator.JurichatWebhook{Name: req.Name, URL: req.URL, Description: req.Description,
		Events: req.Events, IsActive: req.IsActive == nil || *req.IsActive, Headers: maps.Clone(req.Headers)}
	at, err := time.Parse(time.RFC3339Nano, createdAt)
	if err == nil {
		h.CreatedAt = at
	}
	h = s.AddJurichatWebhook(h)
	if err != nil {
		s.rewriteCreatedAt(h.ID, createdAt)
	}
	return h.ID
}

// rewriteCreatedAt makes the list and read answers show createdAt for webhook id.
func (s *hookStore) rewriteCreatedAt(id, createdAt string) {
	edit := func(o map[string]any) {
		if o["id"] == id {
			o["createdAt"] = createdAt
		}
	}
	for _, route := range []string{emulator.RouteJurichatList, emulator.RouteJurichatGet} {
		s.MustScript(route, emulator.Custom("rewrite-createdAt", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var v any
			_ = json.Unmarshal(rec.Body.Bytes(), &v)
			switch v := v.(type) {
			case []any:
				for _, o := range v {
					if o, ok := o.(map[string]any); ok {
						edit(o)
					}
				}
			case map[string]any:
				edit(v)
			}
			answer(w, rec.Code, v)
		}), emulator.Forever)
	}
}

func answer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *hookStore) requests() string {
	var log []string
	for _, r := range s.Requests() {
		switch r.Route {
		case emulator.RouteJurichatCreate:
			log = append(log, "POST")
		case emulator.RouteJurichatList:
			log = append(log, "LIST")
		case emulator.RouteJurichatGet:
			log = append(log, "GET "+path.Base(r.Path))
		default:
			log = append(log, r.Method+" "+r.Path)
		}
	}
	return strings.Join(log, ", ")
}

// stored returns the webhooks the store holds, oldest first.
func (s *hookStore) stored() []emulator.JurichatWebhook { return s.JurichatWebhooks() }

// id returns the id of the n-th webhook stored (1: the oldest).
func (s *hookStore) id(n int) string {
	hooks := s.stored()
	if n > len(hooks) {
		return fmt.Sprintf("(no webhook %d: the store holds %d)", n, len(hooks))
	}
	return hooks[n-1].ID
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

// emulatorSecret matches the webhook secrets the emulator issues (64 hex digits).
var emulatorSecret = regexp.MustCompile(`[0-9a-f]{64}`)

func checkNoHookSecrets(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if strings.Contains(err.Error(), "receiver-token-3") || emulatorSecret.MatchString(err.Error()) || strings.Contains(err.Error(), testKey) {
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
			if r := s.requests(); r != "POST, LIST, GET "+s.id(1) {
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
		if r := s.requests(); r != "POST, LIST, GET "+s.id(2) {
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
		if got.ID == otherID || got.ID != s.id(2) {
			t.Errorf("adopted %s, want %s", got.ID, s.id(2))
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
			if err != nil || got.Recovery == nil || got.Recovery.Adopted || got.ID != s.id(2) {
				t.Errorf("%s: got %+v, %v; want a new webhook, not the one that differs", name, got, err)
			}
		}
	})
}

// Events match as a set; an absent description matches an empty one; an
// absent isActive matches true.
func TestCreateWebhookMatchNormalises(t *testing.T) {
	s := newHookStore(t, faultCommitReset)
	req := CreateWebhookRequest{Name: "n", URL: "https://h.example.com", Events: []string{"crm.lead.created", "contact.created", "contact.created"}}
	got, err := s.client(t, 0).CreateWebhook(context.Background(), req)
	if err != nil || got.Recovery == nil || !got.Recovery.Adopted {
		t.Fatalf("got %+v, %v", got, err)
	}
	if !matchesSent(Webhook{Name: "n", URL: "https://h.example.com", Events: []string{"contact.created", "crm.lead.created"}, IsActive: true, Description: ptr("")}, req) {
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
		want := []string{s.id(2), other} // newest first
		if !slices.Equal(amb.IDs, want) || !strings.Contains(err.Error(), s.id(2)+", "+other) {
			t.Errorf("IDs = %v, want %v", amb.IDs, want)
		}
		if r := s.requests(); r != "POST, LIST, GET "+s.id(1)+", GET "+s.id(2) {
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
		s.MustScript(emulator.RouteJurichatList, emulator.Custom("listing-refused", func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
			answer(w, http.StatusForbidden, map[string]any{"statusCode": http.StatusForbidden, "message": "listing refused"})
		}), emulator.Forever)
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
		s.mu.Lock()
		s.onPOST = cancel
		s.mu.Unlock()
		got, err := s.client(t, 0).CreateWebhook(ctx, hookSent)
		if err != nil || got.Recovery == nil || !got.Recovery.Adopted || !got.Recovery.Stopped {
			t.Fatalf("err = %v, want the stored webhook adopted after the stop", err)
		}
		if r := s.requests(); r != "POST, LIST, GET "+s.id(1) {
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
