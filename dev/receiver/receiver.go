// Package receiver is a small webhook receiver for Jelou and JuriChat
// deliveries, used by the demo (dev/cmd/demo) and runnable on its own
// (dev/cmd/receiver). It shows what a user's endpoint does with the secrets the
// providers hand out: it verifies X-Jelou-Signature and X-JuriChat-Signature
// over the exact body bytes (constant-time, via internal/signature), checks
// the credential Jelou sends when one is registered, answers 2xx for a
// verified delivery and 401 for a rejected one, and records every delivery.
//
// Routes:
//
//	POST /jelou/{name}                       a Jelou delivery for the integration registered as name
//	POST /jurichat/{name}                    a JuriChat delivery for the webhook registered as name
//	PUT  /_receiver/endpoints/{vendor}/{name} register (or replace) a secret; needs the admin token
//	DELETE /_receiver/endpoints/{vendor}/{name} forget a secret; needs the admin token
//	GET  /_receiver/deliveries               every delivery so far, oldest first (no secrets)
//	GET  /_receiver/endpoints                registered endpoints (names only, no secrets)
//
// Secrets are never logged, returned or included in error messages.
package receiver

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/signature"
)

// Vendors.
const (
	VendorJelou    = "jelou"
	VendorJurichat = "jurichat"
)

// Headers the vendors send.
const (
	HeaderJelouSignature    = "X-Jelou-Signature"
	HeaderJurichatSignature = "X-JuriChat-Signature"
	HeaderJurichatDelivery  = "X-JuriChat-Delivery"
)

// Jelou auth types: how Jelou authenticates when it calls the webhook.
const (
	AuthBearer = "bearer"
	AuthAPIKey = "api_key"
	AuthBasic  = "basic"
	AuthNone   = "no_auth"
)

// DefaultMaxBody is the largest delivery body accepted (1 MiB).
const DefaultMaxBody = 1 << 20

// maxRecorded bounds the delivery log.
const maxRecorded = 10000

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidName reports whether name can name an endpoint: 1–64 characters,
// letters, digits, '.', '_' and '-', starting with a letter or digit.
func ValidName(name string) bool { return namePattern.MatchString(name) }

// ValidVendor reports whether vendor is "jelou" or "jurichat".
func ValidVendor(vendor string) bool { return vendor == VendorJelou || vendor == VendorJurichat }

// Endpoint is what the receiver needs to verify deliveries to one endpoint.
// Its String, GoString and Format methods never reveal the secrets.
type Endpoint struct {
	// Secret is the signing secret (Jelou signing_secret, JuriChat secret).
	Secret string `json:"secret"`
	// AuthType and Authorization, for Jelou only and optional: the credential
	// Jelou sends with each delivery (auth_type / authorization of the
	// jelou_external_support resource). Empty AuthType: not checked.
	AuthType      string `json:"authType,omitempty"`
	Authorization string `json:"authorization,omitempty"`
}

// String describes the endpoint without its secrets.
func (e Endpoint) String() string {
	s := "Endpoint{secret: "
	if e.Secret == "" {
		s += "(none)"
	} else {
		s += "(set)"
	}
	if e.AuthType != "" {
		s += ", auth: " + e.AuthType
	}
	return s + "}"
}

// GoString is String: %#v must not reveal the secrets either.
func (e Endpoint) GoString() string { return e.String() }

// Format makes every fmt verb use String.
func (e Endpoint) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, e.String()) }

// Validate checks an endpoint registration for vendor. Error messages never
// contain the values.
func (e Endpoint) Validate(vendor string) error {
	if e.Secret == "" {
		return errors.New("the secret is empty")
	}
	if vendor != VendorJelou {
		if e.AuthType != "" || e.Authorization != "" {
			return errors.New("authType and authorization apply to Jelou endpoints only")
		}
		return nil
	}
	switch e.AuthType {
	case "", AuthNone:
		if e.Authorization != "" {
			return fmt.Errorf("an authorization credential needs authType %s, %s or %s", AuthBearer, AuthAPIKey, AuthBasic)
		}
	case AuthBearer, AuthAPIKey, AuthBasic:
		if e.Authorization == "" {
			return fmt.Errorf("authType %s needs an authorization credential", e.AuthType)
		}
	default:
		return fmt.Errorf("unknown authType %q: want %s, %s, %s or %s", e.AuthType, AuthBearer, AuthAPIKey, AuthBasic, AuthNone)
	}
	return nil
}

// Delivery is the receiver's record of one delivery. It holds no secrets.
type Delivery struct {
	Seq        int       `json:"seq"`
	Time       time.Time `json:"time"`
	Vendor     string    `json:"vendor"`
	Name       string    `json:"name"`
	Verified   bool      `json:"verified"`
	Reason     string    `json:"reason,omitempty"`     // why it was rejected
	Event      string    `json:"event,omitempty"`      // as the body claims it (unverified when rejected)
	DeliveryID string    `json:"deliveryId,omitempty"` // X-JuriChat-Delivery
	Duplicate  bool      `json:"duplicate,omitempty"`  // a verified delivery id seen before
	Status     int       `json:"status"`               // what the receiver answered
}

// Options configure a Receiver.
type Options struct {
	// AdminToken protects the endpoint registration routes
	// (Authorization: Bearer <token>). Required.
	AdminToken string
	// Log receives one line per delivery and per registration; nil: none.
	Log io.Writer
	// MaxBody is the largest body accepted; 0: DefaultMaxBody.
	MaxBody int64
	// Now is the clock; nil: time.Now.
	Now func() time.Time
}

// Receiver is the webhook receiver, an http.Handler.
type Receiver struct {
	opts    Options
	handler http.Handler

	logMu sync.Mutex

	mu         sync.Mutex
	endpoints  map[string]Endpoint // vendor + "/" + name
	deliveries []Delivery
	seq        int
	seen       map[string]bool // verified JuriChat delivery ids
}

// New returns a Receiver. It fails without an admin token.
func New(opts Options) (*Receiver, error) {
	if opts.AdminToken == "" {
		return nil, errors.New("receiver: an admin token is required")
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &Receiver{
		opts:      opts,
		endpoints: map[string]Endpoint{},
		seen:      map[string]bool{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /jelou/{name}", r.handleJelou)
	mux.HandleFunc("POST /jurichat/{name}", r.handleJurichat)
	mux.HandleFunc("PUT /_receiver/endpoints/{vendor}/{name}", r.admin(r.handleRegister))
	mux.HandleFunc("DELETE /_receiver/endpoints/{vendor}/{name}", r.admin(r.handleForget))
	mux.HandleFunc("GET /_receiver/endpoints", r.handleEndpoints)
	mux.HandleFunc("GET /_receiver/deliveries", r.handleDeliveries)
	mux.HandleFunc("GET /_receiver/health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	r.handler = mux
	return r, nil
}

// ServeHTTP implements http.Handler.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) { r.handler.ServeHTTP(w, req) }

// checkRegistration checks that vendor/name can be registered with ep.
// Error messages never contain the endpoint's values.
func checkRegistration(vendor, name string, ep Endpoint) error {
	if !ValidVendor(vendor) {
		return fmt.Errorf("unknown vendor %q: want %s or %s", vendor, VendorJelou, VendorJurichat)
	}
	if !ValidName(name) {
		return fmt.Errorf("invalid endpoint name %q: use 1-64 letters, digits, '.', '_' or '-'", name)
	}
	if err := ep.Validate(vendor); err != nil {
		return err
	}
	return nil
}

// Register sets (or replaces) the endpoint for vendor/name.
func (r *Receiver) Register(vendor, name string, ep Endpoint) error {
	if err := checkRegistration(vendor, name, ep); err != nil {
		return err
	}
	r.mu.Lock()
	_, replaced := r.endpoints[vendor+"/"+name]
	r.endpoints[vendor+"/"+name] = ep
	r.mu.Unlock()
	verb := "registered"
	if replaced {
		verb = "replaced"
	}
	extra := ""
	if vendor == VendorJelou && ep.AuthType != "" && ep.AuthType != AuthNone {
		extra = fmt.Sprintf(" and the expected %s credential", ep.AuthType)
	}
	r.logf("%s the signing secret%s for %s/%s", verb, extra, vendor, name)
	return nil
}

// Forget removes the endpoint for vendor/name and reports whether it existed.
func (r *Receiver) Forget(vendor, name string) bool {
	r.mu.Lock()
	_, ok := r.endpoints[vendor+"/"+name]
	delete(r.endpoints, vendor+"/"+name)
	r.mu.Unlock()
	if ok {
		r.logf("forgot the secret for %s/%s", vendor, name)
	}
	return ok
}

// Endpoints lists the registered endpoints as "vendor/name", sorted.
func (r *Receiver) Endpoints() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.endpoints))
	for k := range r.endpoints {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Deliveries returns a copy of the delivery log, oldest first.
func (r *Receiver) Deliveries() []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.deliveries)
}

func (r *Receiver) endpoint(vendor, name string) (Endpoint, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ep, ok := r.endpoints[vendor+"/"+name]
	return ep, ok
}

func (r *Receiver) logf(format string, args ...any) {
	if r.opts.Log == nil {
		return
	}
	r.logMu.Lock()
	defer r.logMu.Unlock()
	fmt.Fprintf(r.opts.Log, format+"\n", args...)
}

// ---- deliveries ----

func (r *Receiver) handleJelou(w http.ResponseWriter, req *http.Request) {
	r.receive(w, req, VendorJelou, HeaderJelouSignature)
}

func (r *Receiver) handleJurichat(w http.ResponseWriter, req *http.Request) {
	r.receive(w, req, VendorJurichat, HeaderJurichatSignature)
}

func (r *Receiver) receive(w http.ResponseWriter, req *http.Request, vendor, sigHeader string) {
	name := req.PathValue("name")
	d := Delivery{Vendor: vendor, Name: name, Time: r.opts.Now().UTC()}
	if vendor == VendorJurichat {
		if id := req.Header.Get(HeaderJurichatDelivery); len(id) <= 200 && printable(id) {
			d.DeliveryID = id
		}
	}
	if !ValidName(name) {
		// Never echo arbitrary path text into the log unquoted.
		d.Name = fmt.Sprintf("%.70q", name)
		d.Reason = "no such endpoint"
		r.finish(w, d, http.StatusUnauthorized)
		return
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.opts.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			d.Reason = fmt.Sprintf("body larger than %d bytes", r.opts.MaxBody)
			r.finish(w, d, http.StatusRequestEntityTooLarge)
			return
		}
		d.Reason = "could not read the body"
		r.finish(w, d, http.StatusBadRequest)
		return
	}
	d.Event = eventOf(vendor, body)

	ep, ok := r.endpoint(vendor, name)
	if !ok {
		d.Reason = fmt.Sprintf("no secret registered for %s/%s", vendor, name)
		r.finish(w, d, http.StatusUnauthorized)
		return
	}
	if reason := checkSignature(ep.Secret, body, req.Header.Values(sigHeader), sigHeader); reason != "" {
		d.Reason = reason
		r.finish(w, d, http.StatusUnauthorized)
		return
	}
	if vendor == VendorJelou {
		if reason := checkJelouCredential(ep, req.Header); reason != "" {
			d.Reason = reason
			r.finish(w, d, http.StatusUnauthorized)
			return
		}
	}
	d.Verified = true
	if d.DeliveryID != "" {
		r.mu.Lock()
		d.Duplicate = r.seen[d.DeliveryID]
		r.seen[d.DeliveryID] = true
		r.mu.Unlock()
	}
	r.finish(w, d, http.StatusOK)
}

// checkSignature returns "" when exactly one header value is a valid
// signature of body under secret, else why not.
func checkSignature(secret string, body []byte, values []string, header string) string {
	switch {
	case len(values) == 0 || (len(values) == 1 && values[0] == ""):
		return "missing " + header + " header"
	case len(values) > 1:
		return "more than one " + header + " header"
	case !strings.HasPrefix(values[0], signature.Prefix):
		return header + " is not in the form " + signature.Prefix + "<hex>"
	case !signature.Verify(secret, body, values[0]):
		return header + " does not match the body"
	}
	return ""
}

// checkJelouCredential checks the header Jelou sends for ep's auth type.
func checkJelouCredential(ep Endpoint, h http.Header) string {
	name, want := expectedJelouHeader(ep.AuthType, ep.Authorization)
	if name == "" {
		return ""
	}
	got := h.Values(name)
	if len(got) != 1 || subtle.ConstantTimeCompare([]byte(got[0]), []byte(want)) != 1 {
		return fmt.Sprintf("missing or wrong %s credential (auth type %s)", name, ep.AuthType)
	}
	return ""
}

// expectedJelouHeader is the header Jelou sends for an auth type, as the
// Jelou contract describes it; basic credentials given as user:password are
// base64-encoded, already-encoded ones are sent as they are.
func expectedJelouHeader(authType, credential string) (name, value string) {
	switch authType {
	case AuthBearer:
		return "Authorization", "Bearer " + credential
	case AuthAPIKey:
		return "X-API-Key", credential
	case AuthBasic:
		if strings.Contains(credential, ":") {
			credential = base64.StdEncoding.EncodeToString([]byte(credential))
		}
		return "Authorization", "Basic " + credential
	}
	return "", ""
}

// eventOf reads the event name a body claims: JuriChat "event"; Jelou
// "event_type" (messages) or "event" (conversation.start/close).
func eventOf(vendor string, body []byte) string {
	var doc struct {
		Event     any `json:"event"`
		EventType any `json:"event_type"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return ""
	}
	candidates := []any{doc.Event}
	if vendor == VendorJelou {
		candidates = append(candidates, doc.EventType)
	}
	for _, v := range candidates {
		if s, ok := v.(string); ok && s != "" && len(s) <= 100 && printable(s) {
			return s
		}
	}
	return ""
}

func printable(s string) bool {
	for _, c := range s {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

func (r *Receiver) finish(w http.ResponseWriter, d Delivery, status int) {
	d.Status = status
	r.mu.Lock()
	r.seq++
	d.Seq = r.seq
	r.deliveries = append(r.deliveries, d)
	if len(r.deliveries) > maxRecorded {
		r.deliveries = slices.Delete(r.deliveries, 0, len(r.deliveries)-maxRecorded)
	}
	r.mu.Unlock()

	// Printed before answering, so that whoever triggered the delivery sees
	// the line before the answer.
	r.logf("%s", FormatDelivery(d))
	if d.Verified {
		writeJSON(w, status, map[string]any{"verified": true})
		return
	}
	writeJSON(w, status, map[string]any{"verified": false, "reason": d.Reason})
}

// FormatDelivery is the one-line description the receiver prints.
func FormatDelivery(d Delivery) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s/%s", d.Seq, d.Vendor, d.Name)
	if d.Event != "" {
		fmt.Fprintf(&b, " event=%s", d.Event)
	}
	if d.DeliveryID != "" {
		fmt.Fprintf(&b, " delivery=%s", shortID(d.DeliveryID))
	}
	if d.Verified {
		b.WriteString(": verified")
		if d.Duplicate {
			b.WriteString(" (duplicate delivery id: already processed)")
		}
	} else {
		fmt.Fprintf(&b, ": REJECTED (HTTP %d): %s", d.Status, d.Reason)
	}
	return b.String()
}

// shortID shortens a long delivery id for display.
func shortID(id string) string {
	if len(id) > 13 {
		return id[:8] + "…"
	}
	return id
}

// ---- admin ----

type registration struct {
	Secret        string `json:"secret"`
	AuthType      string `json:"authType"`
	Authorization string `json:"authorization"`
}

// admin requires "Authorization: Bearer <admin token>" (constant-time).
func (r *Receiver) admin(next http.HandlerFunc) http.HandlerFunc {
	want := []byte("Bearer " + r.opts.AdminToken)
	return func(w http.ResponseWriter, req *http.Request) {
		got := req.Header.Get("Authorization")
		if subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing or wrong admin token (Authorization: Bearer <token>)"})
			return
		}
		next(w, req)
	}
}

func (r *Receiver) handleRegister(w http.ResponseWriter, req *http.Request) {
	vendor, name := req.PathValue("vendor"), req.PathValue("name")
	var reg registration
	dec := json.NewDecoder(http.MaxBytesReader(w, req.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&reg); err != nil {
		// The decoder's message could quote the body: say only what is expected.
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `the body must be a JSON object {"secret": "...", "authType": "...", "authorization": "..."}`})
		return
	}
	ep := Endpoint(reg)
	if err := r.Register(vendor, name, ep); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (r *Receiver) handleForget(w http.ResponseWriter, req *http.Request) {
	vendor, name := req.PathValue("vendor"), req.PathValue("name")
	if !r.Forget(vendor, name) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("no endpoint %s/%s", vendor, name)})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (r *Receiver) handleEndpoints(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string][]string{"endpoints": r.Endpoints()})
}

func (r *Receiver) handleDeliveries(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string][]Delivery{"deliveries": r.Deliveries()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
