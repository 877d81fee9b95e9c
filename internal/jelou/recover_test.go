package jelou

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport/transporttest"
)

// Faults the store injects into creates (POST), one per create in order;
// creates beyond the list succeed.
const (
	faultNone        = ""
	faultCommitReset = "commit-reset" // store the integration, then reset the connection without answering
	faultReset       = "reset"        // reset the connection without storing anything
	faultCommit502   = "commit-502"   // store the integration, then answer 502 (a gateway gave up)
	faultCommitJunk  = "commit-junk"  // store the integration, then answer 200 with a body cut to invalid JSON
	faultLate        = "late"         // reset without storing now; store it right after the next GET has answered 404
	faultCommitHang  = "commit-hang"  // store the integration, then answer nothing until the client gives up
)

type storedIntegration struct {
	ID, WebhookURL, AuthType, Secret string
	CreatedAt                        string
}

// store is a Jelou API with one project ("p1"), scripted faults and a log of
// the requests it received ("POST", "GET", "DELETE", and "REGEN" for a
// regenerate).
type store struct {
	*httptest.Server
	mu       sync.Mutex
	current  *storedIntegration
	pending  *storedIntegration // faultLate: stored after the next GET
	faults   []string
	log      []string
	seq      int
	getFails int    // answer this many GETs with getStatus
	getCode  int    //
	delCode  int    // answer DELETE with this status when non-zero
	noCreate bool   // omit createdAt from GET answers
	onPOST   func() // called when a create arrives
	// Regenerates: regenFaults are injected one per regenerate, in order
	// (faultCommitReset, faultReset, faultCommit502, faultCommitJunk);
	// regenCode, when non-zero, answers every regenerate with that status.
	regenFaults []string
	regenCode   int
	regenFlat   bool // answer regenerates in the flat shape
}

func newStore(t *testing.T, faults ...string) *store {
	t.Helper()
	s := &store{faults: faults}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *store) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/secret/regenerate") {
		s.log = append(s.log, "REGEN")
		s.regenerate(w)
		return
	}
	s.log = append(s.log, r.Method)
	switch r.Method {
	case http.MethodPost:
		if s.onPOST != nil {
			s.onPOST()
		}
		fault := faultNone
		if len(s.faults) > 0 {
			fault, s.faults = s.faults[0], s.faults[1:]
		}
		if s.current != nil && fault != faultReset && fault != faultLate {
			s.mu.Unlock()
			writeJSON(w, http.StatusConflict, `{"message":"Integration already exists","statusMessage":"error","status":0}`)
			return
		}
		var in CreateIntegrationRequest
		_ = json.Unmarshal(body, &in)
		if in.AuthType == "" {
			in.AuthType = "no_auth"
		}
		s.seq++
		created := &storedIntegration{ID: fmt.Sprintf("int-%d", s.seq), WebhookURL: in.WebhookURL, AuthType: in.AuthType,
			Secret: fmt.Sprintf("signing-secret-%d", s.seq), CreatedAt: time.Now().UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano)}
		switch fault {
		case faultReset:
			s.mu.Unlock()
			transporttest.ResetConnection(w)
			return
		case faultLate:
			s.pending = created
			s.mu.Unlock()
			transporttest.ResetConnection(w)
			return
		}
		s.current = created
		s.mu.Unlock()
		switch fault {
		case faultCommitHang:
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		case faultCommitReset:
			transporttest.ResetConnection(w)
		case faultCommit502:
			writeJSON(w, http.StatusBadGateway, `upstream timed out`)
		case faultCommitJunk:
			writeJSON(w, http.StatusOK, `{"status":1,"data":{"id":`)
		default:
			writeJSON(w, http.StatusOK, envelope(created.json(true)))
		}
	case http.MethodGet:
		if s.getFails > 0 {
			s.getFails--
			code := s.getCode
			s.mu.Unlock()
			writeJSON(w, code, `{"message":"no access to this project"}`)
			return
		}
		cur := s.current
		if cur == nil {
			s.current, s.pending = s.pending, nil // a late create lands now, after this answer was decided
			s.mu.Unlock()
			writeJSON(w, http.StatusNotFound, `{"message":["Integration not found"],"statusMessage":"error","status":0}`)
			return
		}
		out := *cur
		if s.noCreate {
			out.CreatedAt = ""
		}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, envelope(out.json(false)))
	case http.MethodDelete:
		if s.delCode != 0 {
			code := s.delCode
			s.mu.Unlock()
			writeJSON(w, code, `{"message":"deletion refused"}`)
			return
		}
		had := s.current != nil
		s.current = nil
		s.mu.Unlock()
		if !had {
			writeJSON(w, http.StatusNotFound, `{"message":["Integration not found"]}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"message":["Integration deleted successfully"],"statusMessage":"success","status":1}`)
	default:
		s.mu.Unlock()
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// regenerate answers a regenerate; s.mu is held and released here.
func (s *store) regenerate(w http.ResponseWriter) {
	fault := faultNone
	if len(s.regenFaults) > 0 {
		fault, s.regenFaults = s.regenFaults[0], s.regenFaults[1:]
	}
	switch {
	case s.regenCode != 0:
		code := s.regenCode
		s.mu.Unlock()
		writeJSON(w, code, `{"message":"regeneration refused"}`)
		return
	case fault == faultReset:
		s.mu.Unlock()
		transporttest.ResetConnection(w)
		return
	case s.current == nil:
		s.mu.Unlock()
		writeJSON(w, http.StatusNotFound, `{"message":["No integration exists for the specified projectId"],"statusMessage":"error","status":0}`)
		return
	}
	s.seq++
	s.current.Secret = fmt.Sprintf("signing-secret-%d", s.seq)
	secret, flat := s.current.Secret, s.regenFlat
	s.mu.Unlock()
	switch fault {
	case faultCommitReset:
		transporttest.ResetConnection(w)
	case faultCommit502:
		writeJSON(w, http.StatusBadGateway, `upstream timed out`)
	case faultCommitJunk:
		writeJSON(w, http.StatusOK, `{"status":1,"data":{"signingSecret":`)
	default:
		if flat {
			writeJSON(w, http.StatusOK, `{"signingSecret":"`+secret+`","regeneratedAt":"2025-01-03T00:00:00Z"}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"message":["Signing secret regenerated successfully"],"statusMessage":"success","status":1,`+
			`"data":{"brainId":"p1","signingSecret":"`+secret+`"}}`)
	}
}

func (i storedIntegration) json(withSecret bool) string {
	m := map[string]string{"id": i.ID, "brainId": "p1", "webhookUrl": i.WebhookURL, "authType": i.AuthType,
		"createdAt": i.CreatedAt, "updatedAt": i.CreatedAt}
	if i.CreatedAt == "" {
		delete(m, "createdAt")
	}
	if withSecret {
		m["signingSecret"] = i.Secret
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func (s *store) requests() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.log, " ")
}

func (s *store) integration() *storedIntegration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return nil
	}
	c := *s.current
	return &c
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

// checkNoSecrets fails when an error text carries the credential sent or a
// signing secret the store issued.
func checkNoSecrets(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if strings.Contains(err.Error(), sent.Authorization) || strings.Contains(err.Error(), "signing-secret-") || strings.Contains(err.Error(), testKey) {
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
			if cur == nil || got.ID != cur.ID || got.SigningSecret != cur.Secret || cur.ID != "int-1" || cur.Secret != "signing-secret-2" {
				t.Fatalf("result %s does not carry the regenerated secret of the integration the server holds", got.ID)
			}
			if got.WebhookURL != sent.WebhookURL || got.AuthType != "bearer" || got.CreatedAt == "" {
				t.Errorf("result %+v does not describe the stored integration", got)
			}
			if got.Recovery == nil || got.Recovery.Attempts != 1 || got.Recovery.Regenerated != "int-1" || got.Recovery.RegenerateAttempts != 1 {
				t.Errorf("Recovery = %+v, want 1 create and int-1 regenerated once", got.Recovery)
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
	if cur := s.integration(); cur == nil || got.SigningSecret != cur.Secret {
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
	if cur := s.integration(); cur == nil || cur.ID != "int-1" || got.ID != "int-1" || got.SigningSecret != cur.Secret {
		t.Fatalf("result %+v, store %+v", got.ID, cur)
	}
	if got.Recovery == nil || got.Recovery.Attempts != 2 || got.Recovery.Regenerated != "int-1" {
		t.Errorf("Recovery = %+v", got.Recovery)
	}
	if r := s.requests(); r != "POST GET POST GET REGEN" {
		t.Errorf("requests %q", r)
	}
}

// A 409 to the first create is a plain conflict: no recovery, no read.
func TestCreateIntegrationConflictFirstIsPlain(t *testing.T) {
	s := newStore(t)
	s.current = &storedIntegration{ID: "int-0", WebhookURL: sent.WebhookURL, AuthType: "bearer", CreatedAt: time.Now().UTC().Format(time.RFC3339)}
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
		{"created before the create was sent", &storedIntegration{ID: "int-0", WebhookURL: sent.WebhookURL, AuthType: "bearer", CreatedAt: old},
			faultReset, false, "before this create was sent"},
		{"just before, beyond the clock-skew tolerance",
			&storedIntegration{ID: "int-0", WebhookURL: sent.WebhookURL, AuthType: "bearer",
				CreatedAt: time.Now().Add(-transport.CreateClockSkew - 5*time.Second).UTC().Format(time.RFC3339Nano)},
			faultReset, false, "before this create was sent"},
		{"another webhook url", &storedIntegration{ID: "int-0", WebhookURL: "https://other.example.com/hook", AuthType: "bearer", CreatedAt: recent},
			faultReset, false, "webhookUrl is not the one this create sent"},
		{"another auth type", &storedIntegration{ID: "int-0", WebhookURL: sent.WebhookURL, AuthType: "api_key", CreatedAt: recent},
			faultReset, false, `authType "api_key" is not the "bearer"`},
		{"unreadable createdAt", &storedIntegration{ID: "int-0", WebhookURL: sent.WebhookURL, AuthType: "bearer", CreatedAt: "last tuesday"},
			faultReset, false, `creation time "last tuesday" cannot be read`},
		{"no createdAt, even though this create made it", nil, faultCommitReset, true, "no createdAt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t, c.fault)
			s.current, s.noCreate = c.existing, c.noCreate
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
		if cur := s.integration(); cur == nil || cur.Secret != got.SigningSecret {
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
		s.getFails, s.getCode = 99, http.StatusForbidden
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
		s.getFails, s.getCode = 1, http.StatusServiceUnavailable
		got, err := s.client(t, 0).CreateIntegration(context.Background(), "p1", sent)
		if err != nil || got.Recovery == nil || got.Recovery.Regenerated != "int-1" {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
	t.Run("regenerate refused", func(t *testing.T) {
		s := newStore(t, faultCommitReset)
		s.regenCode = http.StatusForbidden
		_, err := s.client(t, 0).CreateIntegration(context.Background(), "p1", sent)
		var rec *CreateRecoveryError
		if !errors.As(err, &rec) || rec.IntegrationID != "int-1" || !errors.Is(err, ErrUnauthorized) {
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
		s.onPOST = cancel
		start := time.Now()
		got, err := s.client(t, 0).CreateIntegration(ctx, "p1", sent)
		if err != nil {
			t.Fatalf("err = %v, want the stored integration settled after the stop", err)
		}
		if cur := s.integration(); cur == nil || got.SigningSecret != cur.Secret || got.Recovery == nil || !got.Recovery.Stopped {
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
			s := newStore(t)
			s.current = &storedIntegration{ID: "int-0", WebhookURL: sent.WebhookURL, AuthType: "bearer", Secret: "signing-secret-0"}
			s.regenFlat = flat
			got, err := s.client(t, 0).RegenerateSigningSecret(context.Background(), "p1")
			if err != nil {
				t.Fatal(err)
			}
			if cur := s.integration(); got.SigningSecret != cur.Secret || cur.Secret == "signing-secret-0" || got.Attempts != 1 {
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
			s.current = &storedIntegration{ID: "int-0", WebhookURL: sent.WebhookURL, AuthType: "bearer", Secret: "signing-secret-0"}
			s.regenFaults = []string{fault}
			got, err := s.client(t, 0).RegenerateSigningSecret(context.Background(), "p1")
			if err != nil {
				t.Fatal(err)
			}
			if cur := s.integration(); got.SigningSecret != cur.Secret || got.Attempts != 2 {
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
	s.current = &storedIntegration{ID: "int-0", WebhookURL: sent.WebhookURL, AuthType: "bearer", Secret: "signing-secret-0"}
	s.regenFaults = []string{faultCommitReset, faultCommitReset, faultCommitReset, faultCommitReset}
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
		s.regenCode = http.StatusUnauthorized
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
		s.regenFaults = []string{faultReset}
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
