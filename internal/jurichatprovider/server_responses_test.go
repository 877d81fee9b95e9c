package jurichatprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
)

// These tests put a server on 127.0.0.1 in front of the emulator that
// answers one JuriChat route with a broken response: invalid JSON, an HTML
// page, an empty body, JSON without the fields the provider needs or of the
// wrong types, HTML error pages, bare gateway errors, plain-text 4xx
// answers, JSON error bodies of an unknown shape, a body over the 10 MiB
// limit. Every operation that meets one must fail with a diagnostic that
// names the operation and the problem, without a panic and without losing
// or half-writing state.

// JuriChat operations. The first four are the resource's; the others read.
const (
	opCreate    = "create"              // POST   /webhooks
	opRead      = "read"                // GET    /webhooks/{id}, refresh
	opUpdate    = "update"              // PATCH  /webhooks/{id}
	opDelete    = "delete"              // DELETE /webhooks/{id}
	opWebhookDS = "webhook data source" // GET /webhooks/{id}
	opListDS    = "webhooks data source"
	opEventsDS  = "events data source"
	opEphemeral = "ephemeral secret" // GET /webhooks/{id}, on open
)

// Routes of the JuriChat API, as the fault server tells them apart.
const (
	routeCreate = "POST /webhooks"
	routeGet    = "GET /webhooks/{id}"
	routePatch  = "PATCH /webhooks/{id}"
	routeDelete = "DELETE /webhooks/{id}"
	routeList   = "GET /webhooks"
	routeEvents = "GET /webhooks/events"
)

// opRoute is the route each operation sends; opSummary the diagnostic
// summary it fails with; opRPC the provider RPC it fails in.
var (
	opRoute = map[string]string{
		opCreate: routeCreate, opRead: routeGet, opUpdate: routePatch, opDelete: routeDelete,
		opWebhookDS: routeGet, opListDS: routeList, opEventsDS: routeEvents, opEphemeral: routeGet,
	}
	opSummary = map[string]string{
		opCreate:    "Error Creating JuriChat Webhook",
		opRead:      "Error Reading JuriChat Webhook",
		opUpdate:    "Error Updating JuriChat Webhook",
		opDelete:    "Error Deleting JuriChat Webhook",
		opWebhookDS: "Error Reading JuriChat Webhook",
		opListDS:    "Error Listing JuriChat Webhooks",
		opEventsDS:  "Error Reading JuriChat Event Catalogue",
		opEphemeral: "Error Reading JuriChat Webhook Secret",
	}
	opRPC = map[string]string{
		opCreate: "ApplyResourceChange", opRead: "ReadResource", opUpdate: "ApplyResourceChange", opDelete: "ApplyResourceChange",
		opWebhookDS: "ReadDataSource", opListDS: "ReadDataSource", opEventsDS: "ReadDataSource", opEphemeral: "OpenEphemeralResource",
	}
)

// routeOf names the route of a request to the JuriChat API.
func routeOf(r *http.Request) string {
	rest, ok := strings.CutPrefix(strings.TrimSuffix(r.URL.Path, "/"), "/jurichat/webhooks")
	if !ok {
		return ""
	}
	switch {
	case rest == "" && r.Method == http.MethodPost:
		return routeCreate
	case rest == "" && r.Method == http.MethodGet:
		return routeList
	case rest == "/events" && r.Method == http.MethodGet:
		return routeEvents
	case strings.Count(rest, "/") != 1:
		return ""
	case r.Method == http.MethodGet:
		return routeGet
	case r.Method == http.MethodPatch:
		return routePatch
	case r.Method == http.MethodDelete:
		return routeDelete
	}
	return ""
}

// responder writes a broken answer; next is the emulator, for responders
// that let the request through and spoil the answer.
type responder func(w http.ResponseWriter, r *http.Request, next http.Handler)

// faultServer serves the emulator on 127.0.0.1, except for the one route
// with an active fault, which it answers with the fault's responder. It
// counts the requests each route received while faulty.
type faultServer struct {
	*httptest.Server
	emu *emulator.Emulator

	mu     sync.Mutex
	route  string
	fault  responder
	faulty map[string]int
}

func newFaultServer(t *testing.T) *faultServer {
	t.Helper()
	s := &faultServer{emu: emulator.New(emulator.DefaultOptions()), faulty: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		fault := s.fault
		hit := fault != nil && routeOf(r) == s.route
		if hit {
			s.faulty[s.route]++
		}
		s.mu.Unlock()
		if hit {
			fault(w, r, s.emu)
			return
		}
		s.emu.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// fail makes route answer with respond, from the next request on.
func (s *faultServer) fail(route string, respond responder) func() {
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.route, s.fault = route, respond
	}
}

// heal lets every request through to the emulator again.
func (s *faultServer) heal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.route, s.fault = "", nil
}

// faultyRequests returns how many requests route received while faulty.
func (s *faultServer) faultyRequests(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faulty[route]
}

// target is the fault server as an acceptance-test target, so that the
// configuration helpers of the other tests apply.
func (s *faultServer) target() *acctest.JuriChat {
	return &acctest.JuriChat{
		ProviderConfig: acctest.Requirements("jurichat") + fmt.Sprintf("provider \"jurichat\" {\n  base_url = %q\n  token    = %q\n}\n",
			s.URL+"/jurichat", emulator.DefaultJurichatToken),
	}
}

// client talks to the fault server with the emulator's credentials.
func (s *faultServer) client(t *testing.T) *jurichat.Client {
	t.Helper()
	c, err := jurichat.NewClient(jurichat.Config{BaseURL: s.URL + "/jurichat", Token: emulator.DefaultJurichatToken})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// reply answers with a fixed status, content type and body, plus header
// pairs ("Retry-After", "0").
func reply(status int, contentType, body string, header ...string) responder {
	return func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// hugeBody is a 200 whose JSON body is larger than the client's 10 MiB limit.
func hugeBody(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"id":"wh-1","name":"x","url":"https://hooks.example.com/jurichat","description":"`))
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for range 11 {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
	_, _ = w.Write([]byte(`"}`))
}

// withoutFields lets the request through and removes the given members from
// the webhook in the answer.
func withoutFields(fields ...string) responder {
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var obj map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &obj); err != nil {
			http.Error(w, "the test's fault server could not decode the emulator's answer", http.StatusTeapot)
			return
		}
		for _, f := range fields {
			delete(obj, f)
		}
		body, _ := json.Marshal(obj)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}
}

const (
	htmlLoginPage = `<!DOCTYPE html>
<html><head><title>Sign in</title></head>
<body><form action="/login" method="post"><input name="user"><input name="password" type="password"></form></body></html>`
	htmlErrorPage = `<html>
<head><title>500 Internal Server Error</title></head>
<body><center><h1>500 Internal Server Error</h1></center><hr><center>nginx</center></body>
</html>`
)

// Operations grouped by what they do with a body.
var (
	readsOne  = []string{opCreate, opRead, opUpdate, opWebhookDS, opEphemeral} // decode one webhook
	readsList = []string{opListDS, opEventsDS}                                 // decode a list
	allOps    = []string{opCreate, opRead, opUpdate, opDelete, opWebhookDS, opListDS, opEventsDS, opEphemeral}
)

// brokenResponse is one way an answer can be broken, the operations it is
// tried on, and the problem the diagnostic must name (an acctest.ErrorPattern
// fragment, after the operation's summary). problemFor overrides it per
// operation.
type brokenResponse struct {
	respond    responder
	ops        []string
	problem    string
	problemFor map[string]string
}

func (b brokenResponse) pattern(op string) string {
	p := b.problem
	if o, ok := b.problemFor[op]; ok {
		p = o
	}
	return regexp.QuoteMeta(opSummary[op]) + ".*" + p
}

func (b brokenResponse) has(op string) bool { return slices.Contains(b.ops, op) }

// A 200 with a broken body means nothing to DELETE, which ignores the body;
// a 404 is "already gone" to read and delete, by design. Those pairs are
// left out here.
var brokenResponses = map[string]brokenResponse{
	"200 with invalid JSON": {
		respond: reply(http.StatusOK, "application/json", `{"id":"wh-1","name":"x","events":[`),
		ops:     append(slices.Clone(readsOne), readsList...),
		problem: `unexpected response from JuriChat \(HTTP 200\): invalid JSON`,
	},
	"200 with an HTML page": {
		respond: reply(http.StatusOK, "text/html; charset=utf-8", htmlLoginPage),
		// Even a 2xx HTML page is never an API answer: a DELETE answered so
		// has deleted nothing, and the resource stays in state.
		ops:     append(append(slices.Clone(readsOne), readsList...), opDelete),
		problem: `unexpected response from JuriChat \(HTTP 200\): the server returned an HTML page instead of an API answer; check base_url`,
	},
	"200 with an empty body": {
		respond: reply(http.StatusOK, "application/json", ""),
		ops:     append(slices.Clone(readsOne), readsList...),
		problem: `unexpected response from JuriChat \(HTTP 200\): empty body`,
	},
	"200 with a webhook without id": {
		respond: reply(http.StatusOK, "application/json",
			`{"name":"x","url":"https://hooks.example.com/jurichat","events":["crm.lead.created"],"isActive":true,"secret":"wh-secret-without-id"}`),
		ops:     readsOne,
		problem: `unexpected response from JuriChat \(HTTP 200\): the body holds no webhook id`,
	},
	"200 with JSON of the wrong types": {
		respond: reply(http.StatusOK, "application/json", `{"id":"wh-1","name":"x","events":"crm.lead.created","isActive":"yes"}`),
		ops:     []string{opCreate, opRead, opUpdate, opWebhookDS, opEphemeral},
		problem: `unexpected response from JuriChat \(HTTP 200\): unexpected JSON shape: field (events|isActive) is a JSON string`,
	},
	"200 with a list of the wrong shape": {
		respond: reply(http.StatusOK, "application/json", `{"data":"none","catalogue":{"crm.lead.created":{}}}`),
		ops:     readsList,
		problem: `unexpected response from JuriChat \(HTTP 200\): expected a JSON array or an object with a "(data|events)" array`,
	},
	"200 with a body over 10 MiB": {
		respond: hugeBody,
		ops:     []string{opCreate, opRead, opWebhookDS, opListDS},
		problem: `unexpected response from JuriChat \(HTTP 200\): the body is larger than 10485760 bytes`,
	},
	"500 with an HTML error page": {
		// GETs and DELETE are retried on 500 too; Retry-After: 0 keeps the retries instant.
		respond: reply(http.StatusInternalServerError, "text/html", htmlErrorPage, "Retry-After", "0"),
		ops:     allOps,
		problem: `HTTP 500 Internal Server Error.*HTML error page`,
	},
	// GETs and DELETE are retried on 502; Retry-After: 0 keeps the retries instant.
	"502 with an empty body": {
		respond: reply(http.StatusBadGateway, "", "", "Retry-After", "0"),
		ops:     allOps,
		problem: `HTTP 502 Bad Gateway`,
	},
	"401 with plain text": {
		respond: reply(http.StatusUnauthorized, "text/plain", "Token expired, sign in again\n"),
		ops:     allOps,
		problem: `HTTP 401 Unauthorized.*Token expired, sign in again.*credentials.*JURICHAT_TOKEN`,
	},
	"401 echoing the credential": {
		respond: reply(http.StatusUnauthorized, "text/plain", "token "+emulator.DefaultJurichatToken+" has expired"),
		ops:     []string{opCreate, opRead, opEphemeral},
		problem: `HTTP 401 Unauthorized.*token \[redacted\] has expired`,
	},
	"404 with plain text": {
		respond: reply(http.StatusNotFound, "text/plain", "404 page not found"),
		// Not the API's own 404: a refresh keeps the resource instead of taking it as deleted.
		ops:     []string{opCreate, opRead, opUpdate, opWebhookDS, opListDS, opEventsDS, opEphemeral},
		problem: `HTTP 404 Not Found.*404 page not found`,
		problemFor: map[string]string{
			opUpdate:    `HTTP 404 Not Found.*404 page not found.*does not say the object is gone.*base_url`,
			opWebhookDS: `HTTP 404 Not Found.*404 page not found.*does not say the object is gone.*base_url`,
			opEphemeral: `HTTP 404 Not Found.*404 page not found.*does not say the object is gone.*base_url`,
		},
	},
	"409 with plain text": {
		respond: reply(http.StatusConflict, "text/plain", "Conflict: locked by another request"),
		ops:     []string{opCreate, opUpdate, opDelete},
		problem: `HTTP 409 Conflict.*locked by another request`,
	},
	"422 with plain text": {
		respond: reply(http.StatusUnprocessableEntity, "text/plain; charset=utf-8", "url is not reachable"),
		ops:     []string{opCreate, opUpdate, opDelete},
		problem: `HTTP 422 Unprocessable Entity.*url is not reachable`,
	},
	"400 with a JSON error body of an unknown shape": {
		respond: reply(http.StatusBadRequest, "application/json", `{"errors":{"url":{"kind":"format","at":"/url"}}}`),
		ops:     allOps,
		problem: `HTTP 400 Bad Request.*"kind":"format"`,
	},
}

// rpcGuard wraps the provider server under test. It records every
// diagnostic of the RPCs that reach the API, and a panic in one of them as
// a failure of the test (with an RPC error, so that Terraform goes on)
// instead of a crashed test binary.
type rpcGuard struct {
	mu     sync.Mutex
	diags  []rpcDiag
	panics []string
}

type rpcDiag struct {
	rpc              string
	severity         tfprotov6.DiagnosticSeverity
	summary, details string
}

func (d rpcDiag) text() string { return d.summary + "\n" + d.details }

// factories returns provider factories whose jurichat servers report to g,
// with the echo provider for ephemeral values.
func (g *rpcGuard) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	inner := providerserver.NewProtocol6WithError(New("test")())
	return map[string]func() (tfprotov6.ProviderServer, error){
		"jurichat": func() (tfprotov6.ProviderServer, error) {
			s, err := inner()
			if err != nil {
				return nil, err
			}
			return guardedServer{ProviderServer: s, g: g}, nil
		},
		"echo": echoprovider.NewProviderServer(),
	}
}

func (g *rpcGuard) record(rpc string, err error, diags []*tfprotov6.Diagnostic) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err != nil {
		g.panics = append(g.panics, fmt.Sprintf("%s returned an RPC error (Terraform shows it as \"Plugin did not respond\"): %v", rpc, err))
	}
	for _, d := range diags {
		if d != nil {
			g.diags = append(g.diags, rpcDiag{rpc: rpc, severity: d.Severity, summary: d.Summary, details: d.Detail})
		}
	}
}

// catch, deferred, turns a panic in rpc into a recorded failure and an
// RPC error.
func (g *rpcGuard) catch(rpc string, errp *error) {
	if v := recover(); v != nil {
		g.mu.Lock()
		g.panics = append(g.panics, fmt.Sprintf("%s panicked: %v", rpc, v))
		g.mu.Unlock()
		*errp = fmt.Errorf("%s panicked", rpc)
	}
}

func (g *rpcGuard) snapshot() ([]rpcDiag, []string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]rpcDiag(nil), g.diags...), append([]string(nil), g.panics...)
}

// verify fails the test on any panic or RPC error, on any diagnostic that
// carries a credential or says "panic", and unless each expected operation
// failed in its RPC with its summary.
func (g *rpcGuard) verify(t *testing.T, expectFailed []string, secrets ...string) {
	t.Helper()
	diags, panics := g.snapshot()
	for _, p := range panics {
		t.Error(p)
	}
	for _, d := range diags {
		for _, s := range secrets {
			if s != "" && strings.Contains(d.text(), s) {
				t.Errorf("a %s diagnostic of %s (%q) carries a credential", severityName(d.severity), d.rpc, d.summary)
			}
		}
		if strings.Contains(strings.ToLower(d.text()), "panic") {
			t.Errorf("a %s diagnostic of %s (%q) mentions a panic", severityName(d.severity), d.rpc, d.summary)
		}
	}
	for _, op := range expectFailed {
		found := false
		for _, d := range diags {
			if d.severity == tfprotov6.DiagnosticSeverityError && d.rpc == opRPC[op] && d.summary == opSummary[op] {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s error diagnostic %q: the %s did not fail where it should", opRPC[op], opSummary[op], op)
		}
	}
}

// warned is a check that rpc reported a warning with the given summary.
func (g *rpcGuard) warned(rpc, summary string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		diags, _ := g.snapshot()
		for _, d := range diags {
			if d.rpc == rpc && d.severity == tfprotov6.DiagnosticSeverityWarning && d.summary == summary {
				return nil
			}
		}
		return fmt.Errorf("%s reported no warning %q", rpc, summary)
	}
}

func severityName(s tfprotov6.DiagnosticSeverity) string {
	if s == tfprotov6.DiagnosticSeverityError {
		return "error"
	}
	return "warning"
}

// guardedServer is a provider server reporting to an rpcGuard.
type guardedServer struct {
	tfprotov6.ProviderServer
	g *rpcGuard
}

func (s guardedServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (resp *tfprotov6.ConfigureProviderResponse, err error) {
	defer s.g.catch("ConfigureProvider", &err)
	resp, err = s.ProviderServer.ConfigureProvider(ctx, req)
	if resp != nil {
		s.g.record("ConfigureProvider", err, resp.Diagnostics)
	}
	return resp, err
}

func (s guardedServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (resp *tfprotov6.ReadResourceResponse, err error) {
	defer s.g.catch("ReadResource", &err)
	resp, err = s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		s.g.record("ReadResource", err, resp.Diagnostics)
	}
	return resp, err
}

func (s guardedServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (resp *tfprotov6.PlanResourceChangeResponse, err error) {
	defer s.g.catch("PlanResourceChange", &err)
	resp, err = s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.g.record("PlanResourceChange", err, resp.Diagnostics)
	}
	return resp, err
}

func (s guardedServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (resp *tfprotov6.ApplyResourceChangeResponse, err error) {
	defer s.g.catch("ApplyResourceChange", &err)
	resp, err = s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		s.g.record("ApplyResourceChange", err, resp.Diagnostics)
	}
	return resp, err
}

func (s guardedServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (resp *tfprotov6.ImportResourceStateResponse, err error) {
	defer s.g.catch("ImportResourceState", &err)
	resp, err = s.ProviderServer.ImportResourceState(ctx, req)
	if resp != nil {
		s.g.record("ImportResourceState", err, resp.Diagnostics)
	}
	return resp, err
}

func (s guardedServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (resp *tfprotov6.ReadDataSourceResponse, err error) {
	defer s.g.catch("ReadDataSource", &err)
	resp, err = s.ProviderServer.ReadDataSource(ctx, req)
	if resp != nil {
		s.g.record("ReadDataSource", err, resp.Diagnostics)
	}
	return resp, err
}

func (s guardedServer) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (resp *tfprotov6.OpenEphemeralResourceResponse, err error) {
	defer s.g.catch("OpenEphemeralResource", &err)
	resp, err = s.ProviderServer.OpenEphemeralResource(ctx, req)
	if resp != nil {
		s.g.record("OpenEphemeralResource", err, resp.Diagnostics)
	}
	return resp, err
}

// Credentials the diagnostics must never carry.
const headerCredential = "server-responses-header-credential"

// brokenWebhookConfig declares one webhook, without outputs: a failed
// destroy removes root outputs from the state even though the resource
// stays, which is not what the tests look at.
func brokenWebhookConfig(srv *faultServer, name string) string {
	return srv.target().ProviderConfig + fmt.Sprintf(`
resource "jurichat_webhook" "test" {
  name   = %q
  url    = "https://hooks.example.com/jurichat"
  events = ["crm.lead.created"]
  headers = {
    "X-Receiver-Token" = %q
  }
}
`, name, headerCredential)
}

// Create meets each broken answer: the apply fails naming the create and the
// problem, and nothing reaches the state.
func TestAccServerResponses_create(t *testing.T) {
	acctest.PreCheck(t)
	for name, broken := range brokenResponses {
		if !broken.has(opCreate) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			srv := newFaultServer(t)
			guard := &rpcGuard{}
			acctest.Run(t, false, resource.TestCase{
				ProtoV6ProviderFactories: guard.factories(),
				Steps: []resource.TestStep{{
					PreConfig:   srv.fail(routeCreate, broken.respond),
					Config:      brokenWebhookConfig(srv, "server responses"),
					ExpectError: acctest.ErrorPattern(broken.pattern(opCreate)),
				}},
			})
			guard.verify(t, []string{opCreate}, emulator.DefaultJurichatToken, headerCredential)
			if srv.faultyRequests(routeCreate) == 0 {
				t.Error("the create never reached the server")
			}
		})
	}
}

// An existing webhook meets each broken answer on refresh, update and
// destroy in turn. Each fails naming the operation and the problem; then,
// with the server healed, the plan is empty: the failed update kept the
// prior state and the failed destroy kept the resource, with its id and
// secret.
func TestAccServerResponses_existingWebhook(t *testing.T) {
	acctest.PreCheck(t)
	for name, broken := range brokenResponses {
		if !broken.has(opRead) && !broken.has(opUpdate) && !broken.has(opDelete) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			srv := newFaultServer(t)
			guard := &rpcGuard{}
			before := brokenWebhookConfig(srv, "server responses")
			after := brokenWebhookConfig(srv, "server responses, renamed")
			sameID := statecheck.CompareValue(compare.ValuesSame())
			sameSecret := statecheck.CompareValue(compare.ValuesSame())
			var id string

			steps := []resource.TestStep{{
				Config: before,
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(resName, tfjsonpath.New("id")),
					sameSecret.AddStateValue(resName, tfjsonpath.New("secret")),
				},
				Check: recordID(&id),
			}}
			var failed []string
			for _, op := range []string{opRead, opUpdate, opDelete} {
				if !broken.has(op) {
					continue
				}
				failed = append(failed, op)
				step := resource.TestStep{
					PreConfig:   srv.fail(opRoute[op], broken.respond),
					Config:      before,
					ExpectError: acctest.ErrorPattern(broken.pattern(op)),
				}
				switch op {
				case opUpdate:
					step.Config = after
				case opDelete:
					step.Destroy = true
				}
				steps = append(steps, step)
			}
			steps = append(steps, resource.TestStep{
				PreConfig: srv.heal,
				Config:    before,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(resName, tfjsonpath.New("id")),
					sameSecret.AddStateValue(resName, tfjsonpath.New("secret")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("name"), knownvalue.StringExact("server responses")),
				},
				Check: func(*terraform.State) error {
					h, ok := srv.emu.JurichatWebhook(id)
					if !ok {
						return fmt.Errorf("the server no longer holds webhook %s", id)
					}
					if h.Name != "server responses" {
						return fmt.Errorf("the server holds name %q, want the original", h.Name)
					}
					return nil
				},
			})

			acctest.Run(t, false, resource.TestCase{
				ProtoV6ProviderFactories: guard.factories(),
				Steps:                    steps,
			})
			guard.verify(t, failed, emulator.DefaultJurichatToken, headerCredential)
			// Idempotent requests are retried on 502, non-idempotent ones never.
			if strings.HasPrefix(name, "502") {
				for _, route := range []string{routeGet, routeDelete} {
					if n := srv.faultyRequests(route); n < 2 {
						t.Errorf("%s was sent %d times on 502, want it retried", route, n)
					}
				}
				if n := srv.faultyRequests(routePatch); n != 1 {
					t.Errorf("PATCH was sent %d times on 502, want once: it must not be retried", n)
				}
			}
		})
	}
}

// The data sources and the ephemeral secret meet each broken answer: the
// plan fails naming the read and the problem.
func TestAccServerResponses_reads(t *testing.T) {
	acctest.PreCheck(t)
	configs := map[string]string{
		opWebhookDS: `
data "jurichat_webhook" "test" {
  id = "00000000-0000-4000-8000-000000000000"
}
`,
		opListDS: `
data "jurichat_webhooks" "all" {}
`,
		opEventsDS: `
data "jurichat_webhook_events" "all" {}
`,
	}
	for name, broken := range brokenResponses {
		for _, op := range []string{opWebhookDS, opListDS, opEventsDS, opEphemeral} {
			if !broken.has(op) {
				continue
			}
			t.Run(op+"/"+name, func(t *testing.T) {
				srv := newFaultServer(t)
				guard := &rpcGuard{}
				config := srv.target().ProviderConfig + configs[op]
				var versionChecks []tfversion.TerraformVersionCheck
				if op == opEphemeral {
					config = ephemeralConfig(srv.target(), `"00000000-0000-4000-8000-000000000000"`)
					versionChecks = acctest.SkipWithout(acctest.FeatureEphemeral)
				}
				acctest.Run(t, false, resource.TestCase{
					ProtoV6ProviderFactories: guard.factories(),
					TerraformVersionChecks:   versionChecks,
					Steps: []resource.TestStep{{
						PreConfig:   srv.fail(opRoute[op], broken.respond),
						Config:      config,
						ExpectError: acctest.ErrorPattern(broken.pattern(op)),
					}},
				})
				guard.verify(t, []string{op}, emulator.DefaultJurichatToken)
			})
		}
	}
}

// A create answer without the secret is accepted with a warning: the
// webhook was created, so failing would lose it. The next refresh reads the
// secret.
func TestAccServerResponses_createWithoutSecret(t *testing.T) {
	acctest.PreCheck(t)
	srv := newFaultServer(t)
	guard := &rpcGuard{}
	var id string
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: guard.factories(),
		Steps: []resource.TestStep{
			{
				PreConfig: srv.fail(routeCreate, withoutFields("secret")),
				Config:    brokenWebhookConfig(srv, "created without secret"),
				Check: resource.ComposeAggregateTestCheckFunc(
					recordID(&id),
					guard.warned("ApplyResourceChange", "JuriChat Returned No Webhook Secret"),
				),
			},
			{
				PreConfig: srv.heal,
				Config:    brokenWebhookConfig(srv, "created without secret"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: acctest.CheckAttrEquals(resName, "secret", func() (string, error) {
					h, ok := srv.emu.JurichatWebhook(id)
					if !ok {
						return "", fmt.Errorf("the server holds no webhook %s", id)
					}
					return h.Secret, nil
				}),
			},
		},
	})
	guard.verify(t, nil, emulator.DefaultJurichatToken, headerCredential)
}

// A webhook read without its secret cannot open the ephemeral secret: the
// error says so, instead of handing on an empty secret.
func TestAccServerResponses_ephemeralWithoutSecret(t *testing.T) {
	acctest.PreCheck(t)
	srv := newFaultServer(t)
	guard := &rpcGuard{}
	hook, err := srv.client(t).CreateWebhook(context.Background(), jurichat.CreateWebhookRequest{
		Name: "ephemeral without secret", URL: "https://hooks.example.com/jurichat", Events: []string{"crm.lead.created"},
	})
	if err != nil {
		t.Fatalf("creating the webhook: %v", err)
	}
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: guard.factories(),
		TerraformVersionChecks:   acctest.SkipWithout(acctest.FeatureEphemeral),
		Steps: []resource.TestStep{{
			PreConfig:   srv.fail(routeGet, withoutFields("secret")),
			Config:      ephemeralConfig(srv.target(), fmt.Sprintf("%q", hook.ID)),
			ExpectError: acctest.ErrorPattern(`JuriChat Returned No Webhook Secret.*` + regexp.QuoteMeta(hook.ID) + `.*without a secret`),
		}},
	})
	guard.verify(t, nil, emulator.DefaultJurichatToken)
}
