package jelou

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
// the requests it received ("POST", "GET", "DELETE").
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
// it is deleted and created again, and the result carries the new secret.
func TestCreateIntegrationCommitThenReset(t *testing.T) {
	for _, fault := range []string{faultCommitReset, faultCommit502, faultCommitJunk} {
		t.Run(fault, func(t *testing.T) {
			s := newStore(t, fault)
			got, err := s.client(t, 0).CreateIntegration(context.Background(), "p1", sent)
			if err != nil {
				t.Fatal(err)
			}
			cur := s.integration()
			if cur == nil || got.ID != cur.ID || got.SigningSecret != cur.Secret || cur.ID != "int-2" {
				t.Fatalf("result %s does not carry the secret of the integration the server holds", got.ID)
			}
			if got.Recovery == nil || got.Recovery.Attempts != 2 || !slices.Equal(got.Recovery.Replaced, []string{"int-1"}) {
				t.Errorf("Recovery = %+v, want 2 attempts replacing int-1", got.Recovery)
			}
			if r := s.requests(); r != "POST GET DELETE POST" {
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
	if got.Recovery == nil || got.Recovery.Attempts != 2 || len(got.Recovery.Replaced) != 0 {
		t.Errorf("Recovery = %+v", got.Recovery)
	}
	if r := s.requests(); r != "POST GET POST" {
		t.Errorf("requests %q", r)
	}
}

// The first create lands late, after the read found nothing: the create sent
// again is refused with 409, which means an earlier attempt landed. That
// integration is provably this create's, so it is replaced.
func TestCreateIntegrationConflictOnResend(t *testing.T) {
	s := newStore(t, faultLate)
	got, err := s.client(t, 0).CreateIntegration(context.Background(), "p1", sent)
	if err != nil {
		t.Fatal(err)
	}
	if cur := s.integration(); cur == nil || cur.ID != "int-2" || got.ID != "int-2" || got.SigningSecret != cur.Secret {
		t.Fatalf("result %+v, store %+v", got.ID, cur)
	}
	if got.Recovery == nil || got.Recovery.Attempts != 3 || !slices.Equal(got.Recovery.Replaced, []string{"int-1"}) {
		t.Errorf("Recovery = %+v", got.Recovery)
	}
	if r := s.requests(); r != "POST GET POST GET DELETE POST" {
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
			if r := s.requests(); strings.Contains(r, "DELETE") || r != "POST GET" {
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
// stored → "nothing was created"; provably this create's → deleted (its
// secret is lost), so that nothing is left behind and the next run converges.
func TestCreateIntegrationNoResendsLeavesNothing(t *testing.T) {
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
		_, err := s.client(t, -1).CreateIntegration(context.Background(), "p1", sent)
		if err == nil || !strings.Contains(err.Error(), "nothing remains") || errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("err = %v", err)
		}
		if r := s.requests(); r != "POST GET DELETE" {
			t.Errorf("requests %q", r)
		}
		if s.integration() != nil {
			t.Error("an integration without a known secret was left behind")
		}
		checkNoSecrets(t, err)
	})
}

// Every create landing without an answer: bounded by MaxRetries, and no
// orphan left.
func TestCreateIntegrationBoundedResends(t *testing.T) {
	s := newStore(t, faultCommitReset, faultCommitReset, faultCommitReset, faultCommitReset)
	_, err := s.client(t, 2).CreateIntegration(context.Background(), "p1", sent)
	if err == nil || !strings.Contains(err.Error(), "3 attempt(s)") || !strings.Contains(err.Error(), "int-1, int-2, int-3") {
		t.Fatalf("err = %v", err)
	}
	if r := s.requests(); r != "POST GET DELETE POST GET DELETE POST GET DELETE" {
		t.Errorf("requests %q", r)
	}
	if s.integration() != nil {
		t.Error("an integration was left behind")
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
		if err != nil || got.Recovery == nil || len(got.Recovery.Replaced) != 1 {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
	t.Run("delete refused", func(t *testing.T) {
		s := newStore(t, faultCommitReset)
		s.delCode = http.StatusForbidden
		_, err := s.client(t, 0).CreateIntegration(context.Background(), "p1", sent)
		var rec *CreateRecoveryError
		if !errors.As(err, &rec) || rec.IntegrationID != "int-1" || !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("err = %v", err)
		}
		if !strings.Contains(err.Error(), "It still exists") {
			t.Errorf("message %q", err)
		}
		checkNoSecrets(t, err)
	})
	t.Run("cancelled while the create is in flight", func(t *testing.T) {
		s := newStore(t, faultCommitHang)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s.onPOST = cancel // Ctrl-C once the server has the request
		start := time.Now()
		_, err := s.client(t, 0).CreateIntegration(ctx, "p1", sent)
		var rec *CreateRecoveryError
		if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrOutcomeUnknown) || !errors.As(err, &rec) {
			t.Fatalf("err = %v, want an unsettled outcome after context.Canceled", err)
		}
		if time.Since(start) > 2*time.Second {
			t.Errorf("cancellation took %v", time.Since(start))
		}
		if r := s.requests(); r != "POST" {
			t.Errorf("requests %q: nothing may be sent after cancellation", r)
		}
	})
}
