package jelou

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

// Faults the store injects into creates (POST), one per create in order;
// creates beyond the list succeed. Each is a fault of the emulator (see
// storeFault).
const (
	faultNone        = ""
	faultCommitReset = "commit-reset" // store the integration, then reset the connection without answering
	faultReset       = "reset"        // reset the connection without storing anything
	faultCommit502   = "commit-502"   // store the integration, then answer 502 (a gateway gave up)
	faultCommitJunk  = "commit-junk"  // store the integration, then answer 200 with a body cut to invalid JSON
	faultLate        = "late"         // reset without storing now; store it right after the next GET has answered 404
	faultCommitHang  = "commit-hang"  // store the integration, then answer nothing until the client gives up
)

// storedIntegration is an integration a test puts on the store before the
// client acts. CreatedAt is RFC 3339, or text the store answers as is.
type storedIntegration struct {
	WebhookURL, AuthType, CreatedAt string
}

// store is the emulator serving one Jelou project ("p1"), with the test's
// faults scripted on it, and a log of the requests it received ("POST",
// "GET", "DELETE", and "REGEN" for a regenerate).
type store struct {
	*emulator.Emulator
	URL string // the Jelou base URL

	mu     sync.Mutex
	onPOST func() // called when a faulted create arrives
}

func newStore(t *testing.T, faults ...string) *store {
	t.Helper()
	return newStoreWith(t, emulator.Options{}, faults...)
}

func newStoreWith(t *testing.T, opts emulator.Options, faults ...string) *store {
	t.Helper()
	opts.JelouAPIKey = testKey
	s := &store{Emulator: emulator.New(opts)}
	srv := httptest.NewServer(s.Emulator)
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/jelou"
	s.failCreates(faults...)
	return s
}

// failCreates scripts the next creates to meet faults, one per create in order.
func (s *store) failCreates(faults ...string) {
	for _, f := range faults {
		s.MustScript(emulator.RouteJelouCreate, s.storeFault(f), 1)
	}
}

// storeFault is the emulator fault of a create or regenerate fault.
func (s *store) storeFault(name string) emulator.Fault {
	switch name {
	case faultCommitReset:
		return emulator.CommitReset
	case faultReset:
		return emulator.Reset
	case faultCommit502:
		return actThen(name, func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusBadGateway, `upstream timed out`)
		})
	case faultCommitJunk:
		return actThen(name, func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/secret/regenerate") {
				writeJSON(w, http.StatusOK, `{"status":1,"data":{"signingSecret":`)
				return
			}
			writeJSON(w, http.StatusOK, `{"status":1,"data":{"id":`)
		})
	case faultCommitHang:
		return emulator.Custom(name, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
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
	case faultLate:
		return emulator.Custom(name, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			// The create lands right after the next GET has answered.
			body, _ := io.ReadAll(r.Body)
			late := r.Clone(context.WithoutCancel(r.Context()))
			s.MustScript(emulator.RouteJelouGet, emulator.Custom("then-land-the-late-create", func(w http.ResponseWriter, get *http.Request, nextGet http.Handler) {
				nextGet.ServeHTTP(w, get)
				late.Body = io.NopCloser(bytes.NewReader(body))
				next.ServeHTTP(httptest.NewRecorder(), late)
			}), 1)
			emulator.DropConnection(w)
		})
	}
	panic("unknown store fault " + name)
}

// actThen is a fault that lets the emulator act, discards its answer and
// answers with write instead.
func actThen(name string, write func(http.ResponseWriter, *http.Request)) emulator.Fault {
	return emulator.Custom(name, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		next.ServeHTTP(httptest.NewRecorder(), r)
		write(w, r)
	})
}

// reply is a fault that answers status with body, without acting.
func reply(status int, body string) emulator.Fault {
	return emulator.Custom(fmt.Sprintf("reply-%d", status), func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
		writeJSON(w, status, body)
	})
}

// put stores in as p1's integration, made before the test's requests (which
// the log does not count), through the create route: call it before
// failCreates.
func (s *store) put(in storedIntegration) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/jelou/v1/external-support/p1",
		strings.NewReader(fmt.Sprintf(`{"webhookUrl":%q,"authType":%q}`, in.WebhookURL, in.AuthType)))
	req.Header.Set("x-api-key", testKey)
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		panic("put: the emulator answered " + rec.Body.String())
	}
	if created, err := time.Parse(time.RFC3339Nano, in.CreatedAt); err == nil {
		s.ModifyJelouIntegration("p1", func(i *emulator.JelouIntegration) { i.CreatedAt, i.UpdatedAt = created, created })
	} else if in.CreatedAt != "" {
		s.rewriteGets(func(data map[string]any) { data["createdAt"] = in.CreatedAt })
	}
	s.ResetRequests()
}

// rewriteGets makes every GET answer pass through edit (on its data object).
func (s *store) rewriteGets(edit func(data map[string]any)) {
	s.MustScript(emulator.RouteJelouGet, emulator.Custom("rewrite", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var top map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &top); err == nil {
			if data, ok := top["data"].(map[string]any); ok {
				edit(data)
			}
		}
		out, _ := json.Marshal(top)
		writeJSON(w, rec.Code, string(out))
	}), emulator.Forever)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func (s *store) requests() string {
	names := map[string]string{
		emulator.RouteJelouCreate: "POST", emulator.RouteJelouGet: "GET", emulator.RouteJelouUpdate: "PATCH",
		emulator.RouteJelouDelete: "DELETE", emulator.RouteJelouRegenerate: "REGEN",
	}
	var log []string
	for _, r := range s.Requests() {
		log = append(log, names[r.Route])
	}
	return strings.Join(log, " ")
}

func (s *store) integration() *emulator.JelouIntegration {
	in, ok := s.JelouIntegration("p1")
	if !ok {
		return nil
	}
	return &in
}

func (s *store) client(t *testing.T, maxRetries int) *Client {
	t.Helper()
	c, err := NewClient(Config{BaseURL: s.URL, APIKey: testKey, MaxRetries: maxRetries,
		HTTPClient: transport.NewHTTPClient(transport.Options{MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var sent = CreateIntegrationRequest{WebhookURL: "https://panel.example.com/hook", AuthType: "bearer", Authorization: "panel-credential-7"}

// emulatorSecret matches the signing secrets the emulator issues (64 hex digits).
var emulatorSecret = regexp.MustCompile(`[0-9a-f]{64}`)

// checkNoSecrets fails when an error text carries the credential sent or a
// signing secret the store issued.
func checkNoSecrets(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if strings.Contains(err.Error(), sent.Authorization) || emulatorSecret.MatchString(err.Error()) || strings.Contains(err.Error(), testKey) {
		t.Errorf("the error text carries a secret: %v", err)
	}
}

// The server stores the integration and the connection drops before the
// answer: the secret is lost. The integration is provably this create's, so
// its secret is regenerated in place: nothing is deleted, no second create.
func TestCreateIntegrationCommitThenReset(t *testing.T) {
	for _, fault := range []string{faultCommitReset, faultCommit502, faultCommitJunk} {
		t.Run(fault, func(t *testing.T) {
			s := newStore(t, fault)
			got, err := s.client(t, 0).CreateIntegration(context.Background(), "p1", sent)
			if err != nil {
				t.Fatal(err)
			}
			cur := s.integration()
			if cur == nil || got.ID != cur.ID || got.SigningSecret != cur.SigningSecret {
				t.Fatalf("result %s does not carry the regenerated secret of the integration the server holds", got.ID)
			}
			if got.WebhookURL != sent.WebhookURL || got.AuthType != "bearer" || got.CreatedAt == "" {
				t.Errorf("result %+v does not describe the stored integration", got)
			}
			if got.Recovery == nil || got.Recovery.Attempts != 1 || got.Recovery.Regenerated != cur.ID || got.Recovery.RegenerateAttempts != 1 {
				t.Errorf("Recovery = %+v, want 1 create and %s regenerated once", got.Recovery, cur.ID)
			}
			if r := s.requests(); r != "POST GET REGEN" {
				t.Errorf("requests %q", r)
			}
		})
	}
}

// The connection drops before the server stored anything: the create is
// sent again, and nothing is deleted.
func TestCreateIntegrationResetBeforeStore(t *testing.T) {
	s := newStore(t, faultReset)
	got, err := s.client(t, 0).CreateIntegration(context.Background(), "p1", sent)
	if err != nil {
		t.Fatal(err)
	}
	if cur := s.integration(); cur == nil || got.SigningSecret != cur.SigningSecret {
		t.Fatal("the result does not carry the stored integration's secret")
	}
	if got.Recovery == nil || got.Recovery.Attempts != 2 || got.Recovery.Regenerated != "" {
		t.Errorf("Recovery = %+v", got.Recovery)
	}
	if r := s.requests(); r != "POST GET POST" {
		t.Errorf("requests %q", r)
	}
}

// The first create lands late, after the read found nothing: the create sent
// again is refused with 409, which means an earlier attempt landed. That
// integration is provably this create's, so its secret is regenerated.
func TestCreateIntegrationConflictOnResend(t *testing.T) {
	s := newStore(t, faultLate)
	got, err := s.client(t, 0).CreateIntegration(context.Background(), "p1", sent)
	if err != nil {
		t.Fatal(err)
	}
	cur := s.integration()
	if cur == nil || got.ID != cur.ID || got.SigningSecret != cur.SigningSecret {
		t.Fatalf("result %+v, store %+v", got.ID, cur)
	}
	if got.Recovery == nil || got.Recovery.Attempts != 2 || got.Recovery.Regenerated != cur.ID {
		t.Errorf("Recovery = %+v", got.Recovery)
	}
	if r := s.requests(); r != "POST GET POST GET REGEN" {
		t.Errorf("requests %q", r)
	}
}

// A 409 to the first create is a plain conflict: no recovery, no read.
func TestCreateIntegrationConflictFirstIsPlain(t *testing.T) {
	s := newStore(t)
	s.put(storedIntegration{WebhookURL: sent.WebhookURL, AuthType: "bearer", CreatedAt: time.Now().UTC().Format(time.RFC3339)})
	_, err := s.client(t, 0).CreateIntegration(context.Background(), "p1", sent)
	if !errors.Is(err, ErrConflict) || errors.Is(err, ErrUnprovenIntegration) {
		t.Fatalf("err = %v, want a plain ErrConflict", err)
	}
	if r := s.requests(); r != "POST" {
		t.Errorf("requests %q", r)
	}
}

// An integration the create cannot prove it made is never deleted.
func TestCreateIntegrationNotProvable(t *testing.T) {
	recent := time.Now().UTC().Format(time.RFC3339Nano)
	old := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339Nano)
	cases := []struct {
		name     string
		existing *storedIntegration // before the create; nil: the create stores it
		fault    string
		noCreate bool
		reason   string
	}{
		{"created before the create was sent", &storedIntegration{WebhookURL: sent.WebhookURL, AuthType: "bearer", CreatedAt: old},
			faultReset, false, "before this create was sent"},
		{"just before, beyond the clock-skew tolerance",
			&storedIntegration{WebhookURL: sent.WebhookURL, AuthType: "bearer",
				CreatedAt: time.Now().Add(-transport.CreateClockSkew - 5*time.Second).UTC().Format(time.RFC3339Nano)},
			faultReset, false, "before this create was sent"},
		{"another webhook url", &storedIntegration{WebhookURL: "https://other.example.com/hook", AuthType: "bearer", CreatedAt: recent},
			faultReset, false, "webhookUrl is not the one this create sent"},
		{"another auth type", &storedIntegration{WebhookURL: sent.WebhookURL, AuthType: "api_key", CreatedAt: recent},
			faultReset, false, `authType "api_key" is not the "bearer"`},
		{"unreadable createdAt", &storedIntegration{WebhookURL: sent.WebhookURL, AuthType: "bearer", CreatedAt: "last tuesday"},
			faultReset, false, `creation time "last tuesday" cannot be read`},
		{"no createdAt, even though this create made it", nil, faultCommitReset, true, "no createdAt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t)
			if c.existing != nil {
				s.put(*c.existing)
			}
			s.failCreates(c.fault)
			if c.noCreate {
				s.rewriteGets(func(data map[string]any) { delete(data, "createdAt") })
			}
			_, err := s.client(t, 0).CreateIntegration(context.Background(), "p1", sent)
			var unproven *UnprovenIntegrationError
			if !errors.Is(err, ErrUnprovenIntegration) || !errors.As(err, &unproven) {
				t.Fatalf("err = %v, want ErrUnprovenIntegration", err)
			}
			if !strings.Contains(unproven.Reason, c.reason) || unproven.ProjectID != "p1" || unproven.IntegrationID == "" {
				t.Errorf("error %+v, want reason %q", unproven, c.reason)
			}
			if errors.Is(err, ErrOutcomeUnknown) {
				t.Error("an unproven integration is a settled outcome: ErrOutcomeUnknown must not match")
			}
			if r := s.requests(); strings.Contains(r, "DELETE") || strings.Contains(r, "REGEN") || r != "POST GET" {
				t.Errorf("requests %q: the integration must be read and left alone", r)
			}
			if s.integration() == nil {
				t.Error("the integration was removed")
			}
			checkNoSecrets(t, err)
		})
	}
}

// With no resends allowed, an ambiguous create is still settled: nothing
// stored → "nothing was created"; provably this create's → its secret is
// regenerated (a regenerate is not a second create).
func TestCreateIntegrationNoResends(t *testing.T) {
	t.Run("nothing stored", func(t *testing.T) {
		s := newStore(t, faultReset)
		_, err := s.client(t, -1).CreateIntegration(context.Background(), "p1", sent)
		if err == nil || !strings.Contains(err.Error(), "nothing was created") || errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("err = %v", err)
		}
		if r := s.requests(); r != "POST GET" {
			t.Errorf("requests %q", r)
		}
	})
	t.Run("stored", func(t *testing.T) {
		s := newStore(t, faultCommitReset)
		got, err := s.client(t, -1).CreateIntegration(context.Background(), "p1", sent)
		if err != nil {
			t.Fatal(err)
		}
		if r := s.requests(); r != "POST GET REGEN" {
			t.Errorf("requests %q", r)
		}
		if cur := s.integration(); cur == nil || cur.SigningSecret != got.SigningSecret {
			t.Error("the result does not carry the server's current secret")
		}
	})
}

// Every create lost before the server stored it: resends are bounded by
// MaxRetries, and the error says nothing was created.
func TestCreateIntegrationBoundedResends(t *testing.T) {
	s := newStore(t, faultReset, faultReset, faultReset, faultReset)
	_, err := s.client(t, 2).CreateIntegration(context.Background(), "p1", sent)
	if err == nil || !strings.Contains(err.Error(), "3 attempt(s)") || !strings.Contains(err.Error(), "nothing was created") {
		t.Fatalf("err = %v", err)
	}
	if r := s.requests(); r != "POST GET POST GET POST GET" {
		t.Errorf("requests %q", r)
	}
}

// Settling fails: the error says the outcome is unknown, and keeps the
// status sentinels of what failed.
func TestCreateIntegrationRecoveryFails(t *testing.T) {
	t.Run("read refused", func(t *testing.T) {
		s := newStore(t, faultCommitReset)
		s.MustScript(emulator.RouteJelouGet, reply(http.StatusForbidden, `{"message":"no access to this project"}`), emulator.Forever)
		_, err := s.client(t, 0).CreateIntegration(context.Background(), "p1", sent)
		var rec *CreateRecoveryError
		if !errors.As(err, &rec) || !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrUnauthorized) || rec.IntegrationID != "" {
			t.Fatalf("err = %v", err)
		}
		if !strings.Contains(err.Error(), "whether Jelou stored it is unknown") {
			t.Errorf("message %q", err)
		}
		checkNoSecrets(t, err)
	})
	t.Run("read unavailable, retried by the transport", func(t *testing.T) {
		s := newStore(t, faultCommitReset)
		s.MustScript(emulator.RouteJelouGet, reply(http.StatusServiceUnavailable, `{"message":"no access to this project"}`), 1)
		got, err := s.client(t, 0).CreateIntegration(context.Background(), "p1", sent)
		if err != nil || got.Recovery == nil || s.integration() == nil || got.Recovery.Regenerated != s.integration().ID {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
	t.Run("regenerate refused", func(t *testing.T) {
		s := newStore(t, faultCommitReset)
		s.MustScript(emulator.RouteJelouRegenerate, reply(http.StatusForbidden, `{"message":"regeneration refused"}`), emulator.Forever)
		_, err := s.client(t, 0).CreateIntegration(context.Background(), "p1", sent)
		var rec *CreateRecoveryError
		if !errors.As(err, &rec) || s.integration() == nil || rec.IntegrationID != s.integration().ID || !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("err = %v", err)
		}
		if !strings.Contains(err.Error(), "It exists") {
			t.Errorf("message %q", err)
		}
		if r := s.requests(); strings.Contains(r, "DELETE") || s.integration() == nil {
			t.Errorf("requests %q: the integration must never be deleted", r)
		}
		checkNoSecrets(t, err)
	})
	t.Run("cancelled while the create is in flight", func(t *testing.T) {
		// Ctrl-C once the server has the request: the create is settled
		// on a context of its own (see settle_test.go), never sent again.
		s := newStore(t, faultCommitHang)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s.mu.Lock()
		s.onPOST = cancel
		s.mu.Unlock()
		start := time.Now()
		got, err := s.client(t, 0).CreateIntegration(ctx, "p1", sent)
		if err != nil {
			t.Fatalf("err = %v, want the stored integration settled after the stop", err)
		}
		if cur := s.integration(); cur == nil || got.SigningSecret != cur.SigningSecret || got.Recovery == nil || !got.Recovery.Stopped {
			t.Errorf("result %+v does not carry the regenerated secret of the stored integration", got.Recovery)
		}
		if time.Since(start) > 2*time.Second {
			t.Errorf("cancellation took %v", time.Since(start))
		}
		if r := s.requests(); r != "POST GET REGEN" {
			t.Errorf("requests %q: after a stop, only a read and a regenerate may be sent", r)
		}
	})
}

// A regenerate answered at once, in both shapes: one request, the server's
// new secret.
func TestRegenerateSigningSecret(t *testing.T) {
	for _, flat := range []bool{false, true} {
		t.Run(fmt.Sprintf("flat=%v", flat), func(t *testing.T) {
			opts := emulator.Options{}
			if flat {
				opts.JelouShape = emulator.ShapeFlat
			}
			s := newStoreWith(t, opts)
			s.put(storedIntegration{WebhookURL: sent.WebhookURL, AuthType: "bearer"})
			before := s.integration().SigningSecret
			s.ResetRequests()
			got, err := s.client(t, 0).RegenerateSigningSecret(context.Background(), "p1")
			if err != nil {
				t.Fatal(err)
			}
			if cur := s.integration(); got.SigningSecret != cur.SigningSecret || cur.SigningSecret == before || got.Attempts != 1 {
				t.Errorf("got %d attempt(s), and a secret that is not the server's new one", got.Attempts)
			}
			if flat != (got.RegeneratedAt != "") {
				t.Errorf("RegeneratedAt %q", got.RegeneratedAt)
			}
			if r := s.requests(); r != "REGEN" {
				t.Errorf("requests %q", r)
			}
		})
	}
}

// A regenerate whose answer was lost is sent again: the last answer holds
// the current secret. Before the server acted or after, the result is the
// same.
func TestRegenerateSigningSecretLostAnswer(t *testing.T) {
	for _, fault := range []string{faultCommitReset, faultReset, faultCommit502, faultCommitJunk} {
		t.Run(fault, func(t *testing.T) {
			s := newStore(t)
			s.put(storedIntegration{WebhookURL: sent.WebhookURL, AuthType: "bearer"})
			s.MustScript(emulator.RouteJelouRegenerate, s.storeFault(fault), 1)
			got, err := s.client(t, 0).RegenerateSigningSecret(context.Background(), "p1")
			if err != nil {
				t.Fatal(err)
			}
			if cur := s.integration(); got.SigningSecret != cur.SigningSecret || got.Attempts != 2 {
				t.Errorf("after %d attempt(s) the result is not the server's current secret", got.Attempts)
			}
			if r := s.requests(); r != "REGEN REGEN" {
				t.Errorf("requests %q", r)
			}
		})
	}
}

// Every answer lost: the resends stop at MaxRetries, and the error says the
// secret may have changed and to regenerate again. No secret in it.
func TestRegenerateSigningSecretBudget(t *testing.T) {
	s := newStore(t)
	s.put(storedIntegration{WebhookURL: sent.WebhookURL, AuthType: "bearer"})
	s.MustScript(emulator.RouteJelouRegenerate, emulator.CommitReset, 4)
	_, err := s.client(t, 2).RegenerateSigningSecret(context.Background(), "p1")
	var regErr *RegenerateError
	if !errors.As(err, &regErr) || regErr.Attempts != 3 || !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want a RegenerateError after 3 attempts", err)
	}
	if !strings.Contains(err.Error(), "regenerate again") || !strings.Contains(err.Error(), "may have regenerated") {
		t.Errorf("message %q", err)
	}
	if r := s.requests(); r != "REGEN REGEN REGEN" {
		t.Errorf("requests %q", r)
	}
	checkNoSecrets(t, err)
}

// Errors that settle the outcome are not resent: 404 (no integration) and
// 401/403, each with its sentinel and the server's message.
func TestRegenerateSigningSecretErrors(t *testing.T) {
	t.Run("no integration", func(t *testing.T) {
		s := newStore(t)
		_, err := s.client(t, 0).RegenerateSigningSecret(context.Background(), "p1")
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "No integration exists") || !strings.Contains(err.Error(), "404") {
			t.Fatalf("err = %v", err)
		}
		if r := s.requests(); r != "REGEN" {
			t.Errorf("requests %q", r)
		}
	})
	t.Run("refused", func(t *testing.T) {
		s := newStore(t)
		s.MustScript(emulator.RouteJelouRegenerate, reply(http.StatusUnauthorized, `{"message":"regeneration refused"}`), emulator.Forever)
		_, err := s.client(t, 0).RegenerateSigningSecret(context.Background(), "p1")
		var regErr *RegenerateError
		if !errors.Is(err, ErrUnauthorized) || errors.As(err, &regErr) || !strings.Contains(err.Error(), "regeneration refused") {
			t.Fatalf("err = %v", err)
		}
		if r := s.requests(); r != "REGEN" {
			t.Errorf("requests %q", r)
		}
	})
	t.Run("lost, then no integration", func(t *testing.T) {
		s := newStore(t)
		s.MustScript(emulator.RouteJelouRegenerate, emulator.Reset, 1)
		_, err := s.client(t, 0).RegenerateSigningSecret(context.Background(), "p1")
		var regErr *RegenerateError
		if !errors.Is(err, ErrNotFound) || !errors.As(err, &regErr) || regErr.Attempts != 2 {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("invalid project id", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.client(t, 0).RegenerateSigningSecret(context.Background(), ".."); err == nil {
			t.Fatal("a dot segment must be refused")
		}
		if r := s.requests(); r != "" {
			t.Errorf("requests %q", r)
		}
	})
}
