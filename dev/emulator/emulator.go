// Package emulator is an in-memory emulator of the two vendor APIs this project
// manages, faithful to their published contracts:
//
//   - the Jelou External Support Panel API, mounted at /jelou
//     (POST|GET|PATCH|DELETE /jelou/v1/external-support/{projectId} and
//     POST /jelou/v1/external-support/{projectId}/secret/regenerate);
//   - the JuriChat Webhooks API, mounted at /jurichat (/jurichat/webhooks...).
//
// Every vendor route has a stable name (RouteTable, e.g.
// jelou.integration.create, jurichat.webhook.get).
//
// It is for tests, demos and local development: state lives in memory, [Start]
// listens only on loopback, and nothing it logs carries a credential, a secret
// or a body. Control routes, which need no credentials and are not recorded:
//
//	GET    /_emulator/state
//	POST   /_emulator/reset
//	POST   /_emulator/jelou/{projectId}/deliver[?tamper=true]
//	POST   /_emulator/jurichat/webhooks/{webhookId}/deliver[?event=NAME][&tamper=true]
//	GET    /_emulator/script
//	POST   /_emulator/script   {"route": NAME, "fault": FAULT, "times": N}
//	DELETE /_emulator/script[?route=NAME]
//
// Vendor requests pass through a middleware chain: record → faults → auth →
// handler; the fault stage never applies to the control routes. Faults come
// in one vocabulary (an HTTP status in the vendor's error format, reset,
// commit-reset, slow; see serveFault) from two sources: the random mode
// (Options.Faults, with Latency and RateLimit beside it) and the scripted
// mode, "the next N requests to route R meet fault F" (Emulator.Script, the
// /_emulator/script routes, the -script flag of dev/cmd/emulator). Go code
// may also script a Custom fault, for answers the emulator never sends
// itself (malformed bodies, an HTML page, fields removed).
package emulator

import (
	"bytes"
	"cmp"
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Response shapes of the Jelou half (Options.JelouShape).
const (
	ShapeEnvelope = "envelope" // {"message":[...],"statusMessage":"success","status":1,"data":{...}}
	ShapeFlat     = "flat"     // the object alone
)

// Default credentials, as returned by DefaultOptions.
const (
	DefaultJelouAPIKey       = "emulator-jelou-key"
	DefaultJelouClientID     = "emulator-client"
	DefaultJelouClientSecret = "emulator-secret"
	DefaultJurichatToken     = "emulator-jurichat-token"
	DefaultJurichatAPIKey    = "emulator-jurichat-key"
)

// OfficeID is the officeId of every JuriChat webhook the emulator creates.
const OfficeID = "office-emulator"

// maxBodyBytes bounds the request bodies the vendor APIs accept.
const maxBodyBytes = 1 << 20

// Options configures an Emulator. Empty strings take the defaults of DefaultOptions.
type Options struct {
	JelouAPIKey, JelouClientID, JelouClientSecret string // defaults emulator-jelou-key, emulator-client, emulator-secret
	JelouShape                                    string // "envelope" (default) | "flat"
	// JelouSparseGet makes GET answer as the example of Jelou's get page
	// does: only brainId, webhookUrl, createdAt and updatedAt (no id, no
	// authType). Off: the full object, as the page's OpenAPI sample shows.
	JelouSparseGet                bool
	JurichatToken, JurichatAPIKey string       // defaults emulator-jurichat-token, emulator-jurichat-key
	DeliveryClient                *http.Client // for /_emulator/.../deliver; nil: 10s timeout client

	// JelouProjectKeys binds API keys to Jelou projects (project id → key):
	// a listed project accepts only its key, a listed key only its project,
	// and projects not listed accept JelouAPIKey (see projectkeys.go).
	// Empty: JelouAPIKey is valid for every project.
	JelouProjectKeys map[string]string

	// RequestLog, when set, receives one line per request: method, path,
	// status and duration. Never headers, query strings or bodies.
	RequestLog io.Writer

	// Fault injection, on the vendor routes only (never on /_emulator/).
	// Each vendor request is recorded first, then waits Latency, then meets
	// the rate limit, then the fault drawn for it, then authentication.

	// Faults gives the probability per request of each fault kind, in the
	// ParseFaults syntax, e.g. "500=0.05,reset=0.02" (FaultSpec.String
	// builds it). Empty: no faults.
	Faults  string
	Latency time.Duration // added before each vendor request is handled; 0: none
	// AnswerLatency delays the answer of each vendor request that may change
	// something (every method but GET and HEAD) after it has been acted on:
	// the change is stored at once, the answer sent AnswerLatency later (not
	// at all when the client gives up first). Tests interrupt a client in
	// that window. Reads are not delayed. 0: none.
	AnswerLatency time.Duration
	RateLimit     float64 // requests per second per credential, beyond which 429 with Retry-After; 0: unlimited
	// Seed seeds the fault draws: with the same seed, sequential requests meet
	// the same faults. DefaultOptions uses 1.
	Seed int64
}

// DefaultOptions returns the options `go run ./dev/cmd/emulator` uses without flags.
func DefaultOptions() Options {
	return Options{
		JelouAPIKey:       DefaultJelouAPIKey,
		JelouClientID:     DefaultJelouClientID,
		JelouClientSecret: DefaultJelouClientSecret,
		JelouShape:        ShapeEnvelope,
		JurichatToken:     DefaultJurichatToken,
		JurichatAPIKey:    DefaultJurichatAPIKey,
		Seed:              1,
	}
}

// Validate reports options New cannot honour: an unknown JelouShape, invalid
// JelouProjectKeys, Faults that ParseFaults rejects, a negative Latency,
// AnswerLatency or RateLimit.
func (o Options) Validate() error {
	switch o.JelouShape {
	case "", ShapeEnvelope, ShapeFlat:
	default:
		return fmt.Errorf("invalid Jelou response shape %q: want %q or %q", o.JelouShape, ShapeEnvelope, ShapeFlat)
	}
	if err := validateProjectKeys(o); err != nil {
		return err
	}
	return validateFaultOptions(o)
}

func (o Options) withDefaults() Options {
	o.JelouAPIKey = cmp.Or(o.JelouAPIKey, DefaultJelouAPIKey)
	o.JelouClientID = cmp.Or(o.JelouClientID, DefaultJelouClientID)
	o.JelouClientSecret = cmp.Or(o.JelouClientSecret, DefaultJelouClientSecret)
	o.JelouShape = cmp.Or(o.JelouShape, ShapeEnvelope)
	o.JurichatToken = cmp.Or(o.JurichatToken, DefaultJurichatToken)
	o.JurichatAPIKey = cmp.Or(o.JurichatAPIKey, DefaultJurichatAPIKey)
	o.JelouProjectKeys = maps.Clone(o.JelouProjectKeys) // not shared with the caller
	return o
}

// JelouIntegration is a Jelou external support integration as the emulator stores it.
type JelouIntegration struct {
	ID, BrainID, WebhookURL, AuthType, Authorization, SigningSecret string
	CreatedAt, UpdatedAt                                            time.Time
}

// JurichatWebhook is a JuriChat webhook as the emulator stores it.
type JurichatWebhook struct {
	ID, OfficeID, Name   string
	Description          *string
	URL, Secret          string
	Events               []string
	IsActive             bool
	Headers              map[string]string
	CreatedAt, UpdatedAt time.Time
}

// Delivery statuses of the JuriChat delivery log.
const (
	DeliveryPending  = "PENDING"
	DeliverySuccess  = "SUCCESS"
	DeliveryFailed   = "FAILED"
	DeliveryRetrying = "RETRYING"
)

// JurichatDelivery is one entry of a JuriChat webhook's delivery log.
type JurichatDelivery struct {
	ID, WebhookID, Event, Status string
	StatusCode                   *int
	Payload                      json.RawMessage
	ResponseBody, ErrorMessage   *string
	DurationMs                   *int64
	AttemptCount                 int
	NextRetryAt                  *time.Time
	CreatedAt, ExpiresAt         time.Time
}

// RecordedRequest is one vendor-API request as the emulator received it.
// Header and Body are kept in memory for tests; they are never logged.
// Pattern is the route's mux pattern; Key is "<METHOD> <path pattern>", the
// key of the request counts in /_emulator/state.
type RecordedRequest struct {
	Method, Path, Pattern, Key string
	Route                      string // the route's name (RouteTable); "" for a path no route serves
	Query                      string // the raw query string, e.g. "page=2&limit=100"
	Header                     http.Header
	Body                       []byte
}

// Emulator serves both vendor APIs and the control routes. It is an http.Handler
// and safe for concurrent use.
type Emulator struct {
	opts    Options
	client  *http.Client
	handler http.Handler
	logger  *log.Logger      // nil: no request log
	now     func() time.Time // replaced by tests

	// Retried deliveries are sent in the background (see redeliverJurichat):
	// background counts them, backgroundCtx ends them (Stop).
	background     sync.WaitGroup
	backgroundCtx  context.Context
	stopBackground context.CancelFunc

	mu         sync.Mutex
	seq        uint64                    // creation order of stored objects
	jelou      map[string]*jelouEntry    // by project id
	hooks      map[string]*hookEntry     // by webhook id
	deliveries map[string]*deliveryEntry // by delivery id
	requests   []RecordedRequest
	counts     map[string]int

	// Fault injection (see faults.go). faultSpec, faultTable and limiter are fixed by New.
	faultSpec   FaultSpec
	faultTable  []cumulativeFault
	rng         *rand.Rand     // guarded by mu
	faultCounts map[string]int // guarded by mu
	rateLimited map[string]int // 429s of the rate limit by vendor name; guarded by mu
	limiter     *rateLimiter   // nil: no rate limit

	// Scripted faults (see script.go), guarded by mu.
	scripts        map[string][]*scriptEntry // route name -> pending faults, in order
	routeCounts    map[string]int            // route name -> requests received
	scriptedCounts map[string]int            // route name -> requests that met a scripted fault
}

type jelouEntry struct {
	JelouIntegration
	seq uint64
}

type hookEntry struct {
	JurichatWebhook
	seq uint64
}

type deliveryEntry struct {
	JurichatDelivery
	seq uint64
}

// New returns an Emulator with empty state: Jelou at /jelou, JuriChat at /jurichat.
// It panics when opts.Validate fails (a programming error; Start returns it instead).
func New(opts Options) *Emulator {
	if err := opts.Validate(); err != nil {
		panic("emulator: " + err.Error())
	}
	e := &Emulator{
		opts:   opts.withDefaults(),
		client: opts.DeliveryClient,
		now:    time.Now,
	}
	e.backgroundCtx, e.stopBackground = context.WithCancel(context.Background())
	if e.client == nil {
		e.client = &http.Client{
			Timeout: 10 * time.Second,
			// Webhook deliveries do not follow redirects.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if opts.RequestLog != nil {
		e.logger = log.New(opts.RequestLog, "", log.LstdFlags)
	}
	e.setupFaults()
	e.resetLocked()
	e.handler = e.routes()
	if e.logger != nil {
		e.handler = e.logRequests(e.handler)
	}
	return e
}

// WaitDeliveries blocks until every retried delivery scheduled so far has
// been attempted and its outcome stored.
func (e *Emulator) WaitDeliveries() { e.background.Wait() }

// Stop cancels the retried deliveries still in flight and waits for them.
// The Emulator still answers requests afterwards, but retries it schedules
// fail at once.
func (e *Emulator) Stop() {
	e.stopBackground()
	e.background.Wait()
}

// ServeHTTP implements http.Handler.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.handler.ServeHTTP(w, r) }

// timestamp returns the current time at the millisecond precision the APIs show.
func (e *Emulator) timestamp() time.Time { return e.now().UTC().Truncate(time.Millisecond) }

func (e *Emulator) nextSeq() uint64 { e.seq++; return e.seq }

// ---- routing and middleware ----

// middleware wraps a handler. Vendor routes run record → auth → handler.
type middleware func(http.Handler) http.Handler

func chain(h http.Handler, mws ...middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// vendor describes one emulated API to the shared middleware.
type vendor struct {
	name         string // "jelou" | "jurichat"
	authorized   func(*http.Request) bool
	credential   func(*http.Request) string // what the rate limit counts per (hashed, never kept)
	unauthorized string                     // the 401 message
	// fail writes an error in the vendor's own error format.
	fail func(w http.ResponseWriter, status int, message string)
}

// vendorRoutes returns the wrapper every route of v goes through; route is
// the route's name ("" for the catch-all that answers unknown paths).
func (e *Emulator) vendorRoutes(v vendor) func(route string, h http.HandlerFunc) http.Handler {
	return func(route string, h http.HandlerFunc) http.Handler {
		// Fault injection (scripted faults, latency, rate limit, random
		// faults): after recording, so tests see every attempt, and before
		// authentication, as a gateway in front of the real API would behave.
		return chain(h, e.record(v, route), e.injectFaults(v), authenticate(v))
	}
}

func (e *Emulator) routes() http.Handler {
	mux := http.NewServeMux()

	vendors := map[string]func(string, http.HandlerFunc) http.Handler{
		"jelou": e.vendorRoutes(vendor{
			name:         "jelou",
			authorized:   e.jelouAuthorized,
			credential:   jelouCredential,
			unauthorized: "Unauthorized",
			fail:         jelouFail,
		}),
		"jurichat": e.vendorRoutes(vendor{
			name:         "jurichat",
			authorized:   e.jurichatAuthorized,
			credential:   jurichatCredential,
			unauthorized: "Missing or invalid credentials: send Authorization: Bearer <token> or x-jurichat-api-key",
			fail:         fastifyFail,
		}),
	}
	for _, d := range routeDefs {
		serve := d.serve
		h := vendors[d.vendor](d.Name, func(w http.ResponseWriter, r *http.Request) { serve(e, w, r) })
		mux.Handle(d.Method+" "+d.Path, h)
		if d.alias != "" {
			mux.Handle(d.Method+" "+d.alias, h)
		}
	}
	mux.Handle("/jelou/", vendors["jelou"]("", jelouNoRoute))
	mux.Handle("/jurichat/", vendors["jurichat"]("", jurichatNoRoute))

	mux.HandleFunc("GET /_emulator/state", e.controlState)
	mux.HandleFunc("POST /_emulator/reset", e.controlReset)
	mux.HandleFunc("POST /_emulator/jelou/{projectId}/deliver", e.controlJelouDeliver)
	mux.HandleFunc("POST /_emulator/jurichat/webhooks/{webhookId}/deliver", e.controlJurichatDeliver)
	mux.HandleFunc("GET /_emulator/script", e.controlScriptList)
	mux.HandleFunc("POST /_emulator/script", e.controlScript)
	mux.HandleFunc("DELETE /_emulator/script", e.controlScriptClear)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{
			"jelou":    "/jelou/v1/external-support/{projectId}",
			"jurichat": "/jurichat/webhooks",
			"controls": []string{
				"GET /_emulator/state",
				"POST /_emulator/reset",
				"POST /_emulator/jelou/{projectId}/deliver",
				"POST /_emulator/jurichat/webhooks/{webhookId}/deliver",
				"GET|POST|DELETE /_emulator/script",
			},
		})
	})
	return mux
}

// requestKey is the RequestCounts key of a request matched by pattern:
// "<METHOD> <pattern path>", e.g. "POST /jelou/v1/external-support/{projectId}".
func requestKey(method, pattern string) string {
	if _, path, ok := strings.Cut(pattern, " "); ok {
		pattern = path
	}
	return method + " " + pattern
}

// record stores a copy of the request (kept in memory for tests only) and
// counts it under its route pattern and name, before anything can reject
// it. In the same critical section it chooses the request's fault: the next
// one scripted for the route, else the random draw (which is made either
// way, so that the n-th recorded request always gets the n-th draw).
func (e *Emulator) record(v vendor, route string) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
			tooLarge := len(body) > maxBodyBytes
			if tooLarge {
				body = body[:maxBodyBytes]
			}
			rec := RecordedRequest{
				Method:  r.Method,
				Path:    r.URL.Path,
				Query:   r.URL.RawQuery,
				Pattern: r.Pattern,
				Key:     requestKey(r.Method, r.Pattern),
				Route:   route,
				Header:  r.Header.Clone(),
				Body:    body,
			}
			e.mu.Lock()
			e.requests = append(e.requests, rec)
			e.counts[rec.Key]++
			fault := requestFault{Fault: Fault{kind: e.drawFaultLocked()}}
			if route != "" {
				e.routeCounts[route]++
				if f, ok := e.takeScriptedLocked(route); ok {
					fault = requestFault{Fault: f, scripted: true}
				}
			}
			e.mu.Unlock()

			switch {
			case err != nil:
				v.fail(w, http.StatusBadRequest, "Could not read the request body")
			case tooLarge:
				v.fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("Request body is larger than %d bytes", maxBodyBytes))
			default:
				r.Body = io.NopCloser(bytes.NewReader(body))
				next.ServeHTTP(w, withFault(r, fault))
			}
		})
	}
}

// authenticate rejects requests without valid credentials for v with a 401.
func authenticate(v vendor) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !v.authorized(r) {
				v.fail(w, http.StatusUnauthorized, v.unauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func secretEqual(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// jelouAuthorized accepts `x-api-key: <key>`, when the key is valid for the
// project addressed (JelouProjectKeys), or HTTP Basic clientId:clientSecret.
func (e *Emulator) jelouAuthorized(r *http.Request) bool {
	if k := r.Header.Get("x-api-key"); k != "" && e.jelouKeyAuthorized(r, k) {
		return true
	}
	if id, secret, ok := r.BasicAuth(); ok {
		// Evaluate both comparisons: no early exit that reveals which part was wrong.
		idOK := secretEqual(id, e.opts.JelouClientID)
		secretOK := secretEqual(secret, e.opts.JelouClientSecret)
		return idOK && secretOK
	}
	return false
}

// jurichatAuthorized accepts `Authorization: Bearer <token>` or `x-jurichat-api-key: <key>`.
func (e *Emulator) jurichatAuthorized(r *http.Request) bool {
	if k := r.Header.Get("x-jurichat-api-key"); k != "" && secretEqual(k, e.opts.JurichatAPIKey) {
		return true
	}
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") && token != "" && secretEqual(token, e.opts.JurichatToken)
}

// statusRecorder remembers the status code a handler wrote, or that the
// connection was dropped (see its Hijack method).
type statusRecorder struct {
	http.ResponseWriter
	status   int
	hijacked bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests writes one line per request: method, escaped path, status (or
// "reset" for a dropped connection), duration.
func (e *Emulator) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := strconv.Itoa(cmp.Or(rec.status, http.StatusOK))
		if rec.hijacked {
			status = "reset"
		}
		e.logger.Printf("%s %s %s %s", r.Method, r.URL.EscapedPath(), status, time.Since(start).Round(time.Microsecond))
	})
}

// ---- inspection (copies, secrets included) ----

func (h JurichatWebhook) clone() JurichatWebhook {
	if h.Description != nil {
		d := *h.Description
		h.Description = &d
	}
	h.Events = slices.Clone(h.Events)
	h.Headers = maps.Clone(h.Headers)
	if h.Headers == nil {
		h.Headers = map[string]string{}
	}
	return h
}

func (d JurichatDelivery) clone() JurichatDelivery {
	d.StatusCode = clonePtr(d.StatusCode)
	d.ResponseBody = clonePtr(d.ResponseBody)
	d.ErrorMessage = clonePtr(d.ErrorMessage)
	d.DurationMs = clonePtr(d.DurationMs)
	d.NextRetryAt = clonePtr(d.NextRetryAt)
	d.Payload = bytes.Clone(d.Payload)
	return d
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// JelouIntegration returns the integration of projectID.
func (e *Emulator) JelouIntegration(projectID string) (JelouIntegration, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ent, ok := e.jelou[projectID]
	if !ok {
		return JelouIntegration{}, false
	}
	return ent.JelouIntegration, true
}

// JelouIntegrations returns every integration, oldest first.
func (e *Emulator) JelouIntegrations() []JelouIntegration {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]JelouIntegration, 0, len(e.jelou))
	for _, ent := range e.sortedJelouLocked() {
		out = append(out, ent.JelouIntegration)
	}
	return out
}

// JurichatWebhook returns the webhook with the given id.
func (e *Emulator) JurichatWebhook(id string) (JurichatWebhook, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ent, ok := e.hooks[id]
	if !ok {
		return JurichatWebhook{}, false
	}
	return ent.clone(), true
}

// JurichatWebhooks returns every webhook, oldest first.
func (e *Emulator) JurichatWebhooks() []JurichatWebhook {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]JurichatWebhook, 0, len(e.hooks))
	for _, ent := range e.sortedHooksLocked() {
		out = append(out, ent.clone())
	}
	return out
}

// JurichatDeliveries returns the delivery log of a webhook, newest first
// (expired entries included).
func (e *Emulator) JurichatDeliveries(webhookID string) []JurichatDelivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []JurichatDelivery
	for _, d := range e.sortedDeliveriesLocked() {
		if d.WebhookID == webhookID {
			out = append(out, d.clone())
		}
	}
	return out
}

// Requests returns every vendor-API request received, in order.
func (e *Emulator) Requests() []RecordedRequest {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]RecordedRequest, len(e.requests))
	for i, r := range e.requests {
		r.Header = r.Header.Clone()
		r.Body = bytes.Clone(r.Body)
		out[i] = r
	}
	return out
}

// RequestCounts returns "<METHOD> <pattern>" -> number of requests, the same
// keys as /_emulator/state (e.g. "GET /jurichat/webhooks/{webhookId}").
func (e *Emulator) RequestCounts() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(e.counts)
}

// ResetRequests forgets the recorded requests and their counts (per
// pattern, per route, and of scripted faults). Pending scripted faults stay.
func (e *Emulator) ResetRequests() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.requests = nil
	e.counts = map[string]int{}
	e.routeCounts = map[string]int{}
	e.scriptedCounts = map[string]int{}
}

// Reset clears all state: integrations, webhooks, deliveries, requests and
// counts, fault counts included, and the pending scripted faults. The seeded fault sequence goes on where it
// was (it is not re-seeded) and rate-limit buckets keep their tokens.
func (e *Emulator) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.resetLocked()
}

func (e *Emulator) resetLocked() {
	e.jelou = map[string]*jelouEntry{}
	e.hooks = map[string]*hookEntry{}
	e.deliveries = map[string]*deliveryEntry{}
	e.requests = nil
	e.counts = map[string]int{}
	e.routeCounts = map[string]int{}
	e.scriptedCounts = map[string]int{}
	e.scripts = map[string][]*scriptEntry{}
	e.resetFaultCountsLocked()
}

// ---- out-of-band changes for tests ----

// DeleteJelouIntegration removes the integration of projectID as if it had been
// deleted outside Terraform. It reports whether there was one.
func (e *Emulator) DeleteJelouIntegration(projectID string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.jelou[projectID]
	delete(e.jelou, projectID)
	return ok
}

// AddJurichatWebhook stores h as if it had been created outside Terraform,
// without a request: an empty ID, OfficeID or Secret is generated, a zero
// CreatedAt is now, a zero UpdatedAt is CreatedAt. It returns the webhook
// as stored.
func (e *Emulator) AddJurichatWebhook(h JurichatWebhook) JurichatWebhook {
	h = h.clone()
	h.ID = cmp.Or(h.ID, newUUID())
	h.OfficeID = cmp.Or(h.OfficeID, OfficeID)
	h.Secret = cmp.Or(h.Secret, newSecret())
	if h.CreatedAt.IsZero() {
		h.CreatedAt = e.timestamp()
	}
	if h.UpdatedAt.IsZero() {
		h.UpdatedAt = h.CreatedAt
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.hooks[h.ID] = &hookEntry{JurichatWebhook: h, seq: e.nextSeq()}
	return h.clone()
}

// DeleteJurichatWebhook removes a webhook and its delivery log as if it had been
// deleted outside Terraform. It reports whether it existed.
func (e *Emulator) DeleteJurichatWebhook(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.deleteHookLocked(id)
}

// ModifyJelouIntegration applies fn to the integration of projectID, as a change
// made outside Terraform. ID and BrainID cannot change. It reports whether the
// integration exists.
func (e *Emulator) ModifyJelouIntegration(projectID string, fn func(*JelouIntegration)) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	ent, ok := e.jelou[projectID]
	if !ok {
		return false
	}
	c := ent.JelouIntegration
	fn(&c)
	c.ID, c.BrainID = ent.ID, ent.BrainID
	ent.JelouIntegration = c
	return true
}

// ModifyJurichatWebhook applies fn to a webhook, as a change made outside
// Terraform. ID and OfficeID cannot change. It reports whether the webhook exists.
func (e *Emulator) ModifyJurichatWebhook(id string, fn func(*JurichatWebhook)) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	ent, ok := e.hooks[id]
	if !ok {
		return false
	}
	c := ent.clone()
	fn(&c)
	c.ID, c.OfficeID = ent.ID, ent.OfficeID
	ent.JurichatWebhook = c.clone()
	return true
}

func (e *Emulator) deleteHookLocked(id string) bool {
	if _, ok := e.hooks[id]; !ok {
		return false
	}
	delete(e.hooks, id)
	for did, d := range e.deliveries {
		if d.WebhookID == id {
			delete(e.deliveries, did)
		}
	}
	return true
}

func (e *Emulator) sortedJelouLocked() []*jelouEntry {
	out := slices.Collect(maps.Values(e.jelou))
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

func (e *Emulator) sortedHooksLocked() []*hookEntry {
	out := slices.Collect(maps.Values(e.hooks))
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// sortedDeliveriesLocked returns all deliveries, newest first.
func (e *Emulator) sortedDeliveriesLocked() []*deliveryEntry {
	out := slices.Collect(maps.Values(e.deliveries))
	sort.Slice(out, func(i, j int) bool { return out[i].seq > out[j].seq })
	return out
}
