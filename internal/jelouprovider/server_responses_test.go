package jelouprovider

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
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/emulator"
)

// These tests put a server on 127.0.0.1 in front of the emulator that
// answers one Jelou route with a broken response: invalid JSON, an HTML page,
// an empty body, JSON without the fields the provider needs, HTML error
// pages, bare gateway errors, plain-text 4xx answers, JSON error bodies of an
// unknown shape, a body over the 10 MiB limit. Every operation that meets one
// must fail with a diagnostic that names the operation and the problem,
// without a panic and without losing or half-writing state.

// Jelou operations, named as the fault server routes them.
const (
	opCreate     = "create"      // POST   /v1/external-support/{projectId}
	opRead       = "read"        // GET    /v1/external-support/{projectId}, refresh
	opUpdate     = "update"      // PATCH  /v1/external-support/{projectId}
	opDelete     = "delete"      // DELETE /v1/external-support/{projectId}
	opDataSource = "data source" // GET    /v1/external-support/{projectId}, data source
)

// opSummary is the diagnostic summary each operation fails with.
var opSummary = map[string]string{
	opCreate:     "Error Creating Jelou External Support Integration",
	opRead:       "Error Reading Jelou External Support Integration",
	opUpdate:     "Error Updating Jelou External Support Integration",
	opDelete:     "Error Deleting Jelou External Support Integration",
	opDataSource: "Error Reading Jelou External Support Integration",
}

// opRPC is the provider RPC in which each operation fails.
var opRPC = map[string]string{
	opCreate:     "ApplyResourceChange",
	opRead:       "ReadResource",
	opUpdate:     "ApplyResourceChange",
	opDelete:     "ApplyResourceChange",
	opDataSource: "ReadDataSource",
}

// route names the operation a request to the Jelou API performs.
func route(r *http.Request) string {
	if !strings.HasPrefix(r.URL.Path, "/jelou/v1/external-support/") {
		return ""
	}
	switch r.Method {
	case http.MethodPost:
		return opCreate
	case http.MethodGet:
		return opRead // the data source reads the same route
	case http.MethodPatch:
		return opUpdate
	case http.MethodDelete:
		return opDelete
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
		hit := fault != nil && route(r) == s.route
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

func (s *faultServer) providerConfig() string {
	return acctest.Requirements("jelou") + fmt.Sprintf("provider \"jelou\" {\n  base_url = %q\n  api_key  = %q\n}\n",
		s.URL+"/jelou", emulator.DefaultJelouAPIKey)
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
	_, _ = w.Write([]byte(`{"status":1,"data":{"id":"x","brainId":"x","webhookUrl":"https://support.example.com/jelou","padding":"`))
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for range 11 {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
	_, _ = w.Write([]byte(`"}}`))
}

// withoutFields lets the request through and removes the given members from
// the integration in the answer (envelope or flat).
func withoutFields(fields ...string) responder {
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var top map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &top); err != nil {
			http.Error(w, "the test's fault server could not decode the emulator's answer", http.StatusTeapot)
			return
		}
		obj := top
		if data, ok := top["data"].(map[string]any); ok {
			obj = data
		}
		for _, f := range fields {
			delete(obj, f)
		}
		body, _ := json.Marshal(top)
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
		respond: reply(http.StatusOK, "application/json", `{"status":1,"data":{"id":"int-1","webhookUrl":`),
		ops:     []string{opCreate, opRead, opUpdate, opDataSource},
		problem: `unexpected response from Jelou \(HTTP 200\): invalid JSON`,
	},
	"200 with an HTML page": {
		respond: reply(http.StatusOK, "text/html; charset=utf-8", htmlLoginPage),
		// Even a 2xx HTML page is never an API answer: a DELETE answered so
		// has deleted nothing, and the resource stays in state.
		ops:     []string{opCreate, opRead, opUpdate, opDelete, opDataSource},
		problem: `unexpected response from Jelou \(HTTP 200\): the server returned an HTML page instead of an API answer; check base_url`,
	},
	"200 with an empty body": {
		respond: reply(http.StatusOK, "application/json", ""),
		ops:     []string{opCreate, opRead, opUpdate, opDataSource},
		problem: `unexpected response from Jelou \(HTTP 200\): empty body`,
	},
	"200 with JSON that holds no integration": {
		respond: reply(http.StatusOK, "application/json", `{"message":["ok"],"statusMessage":"success","status":1,"data":{"createdAt":"2024-01-01T00:00:00Z"}}`),
		ops:     []string{opCreate, opRead, opUpdate, opDataSource},
		problem: `unexpected response from Jelou \(HTTP 200\): the body holds no integration`,
	},
	"200 with JSON of the wrong types": {
		respond: reply(http.StatusOK, "application/json", `{"status":1,"data":{"id":{"$oid":"int-1"},"webhookUrl":["https://a.example.com"]}}`),
		ops:     []string{opCreate, opRead, opDataSource},
		problem: `unexpected response from Jelou \(HTTP 200\): unexpected JSON shape`,
	},
	"200 with a body over 10 MiB": {
		respond: hugeBody,
		ops:     []string{opCreate, opRead, opDataSource},
		problem: `unexpected response from Jelou \(HTTP 200\): the body is larger than 10485760 bytes`,
	},
	"500 with an HTML error page": {
		// GETs and DELETE are retried on 500 too; Retry-After: 0 keeps the retries instant.
		respond: reply(http.StatusInternalServerError, "text/html", htmlErrorPage, "Retry-After", "0"),
		ops:     []string{opCreate, opRead, opUpdate, opDelete, opDataSource},
		problem: `HTTP 500 Internal Server Error.*HTML error page`,
	},
	// GET and DELETE are retried on 502; Retry-After: 0 keeps the retries instant.
	"502 with an empty body": {
		respond: reply(http.StatusBadGateway, "", "", "Retry-After", "0"),
		ops:     []string{opCreate, opRead, opUpdate, opDelete, opDataSource},
		problem: `HTTP 502 Bad Gateway`,
	},
	"401 with plain text": {
		respond: reply(http.StatusUnauthorized, "text/plain", "Token expired, sign in again\n"),
		ops:     []string{opCreate, opRead, opUpdate, opDelete, opDataSource},
		problem: `HTTP 401 Unauthorized.*Token expired, sign in again.*credentials`,
	},
	"401 echoing the credential": {
		respond: reply(http.StatusUnauthorized, "text/plain", "API key "+emulator.DefaultJelouAPIKey+" is not valid for this project"),
		ops:     []string{opCreate, opRead},
		problem: `HTTP 401 Unauthorized.*API key \[redacted\] is not valid`,
	},
	"404 with plain text": {
		respond: reply(http.StatusNotFound, "text/plain", "404 page not found"),
		// Not the API's own 404: a refresh keeps the resource instead of taking it as deleted.
		ops:     []string{opCreate, opRead, opUpdate, opDataSource},
		problem: `HTTP 404 Not Found.*404 page not found`,
		problemFor: map[string]string{
			opUpdate:     `HTTP 404 Not Found.*404 page not found.*does not say the object is gone.*base_url`,
			opDataSource: `HTTP 404 Not Found.*404 page not found.*does not say the object is gone.*base_url`,
		},
	},
	"409 with plain text": {
		respond: reply(http.StatusConflict, "text/plain", "Conflict: locked by another request"),
		ops:     []string{opCreate, opUpdate, opDelete},
		problem: `HTTP 409 Conflict.*locked by another request`,
		problemFor: map[string]string{
			opCreate: `HTTP 409 Conflict.*locked by another request.*import`,
		},
	},
	"422 with plain text": {
		respond: reply(http.StatusUnprocessableEntity, "text/plain; charset=utf-8", "webhookUrl is not reachable"),
		ops:     []string{opCreate, opUpdate, opDelete},
		problem: `HTTP 422 Unprocessable Entity.*webhookUrl is not reachable`,
	},
	"400 with a JSON error body of an unknown shape": {
		respond: reply(http.StatusBadRequest, "application/json", `{"errors":[{"loc":["body","webhookUrl"],"type":"value_error.url"}]}`),
		ops:     []string{opCreate, opRead, opUpdate, opDelete, opDataSource},
		problem: `HTTP 400 Bad Request.*value_error\.url`,
	},
}

// rpcGuard wraps the provider server under test. It records every
// diagnostic of the RPCs that reach the API, and a panic in one of them as
// a failure of the test (with an error diagnostic, so that Terraform goes
// on) instead of a crashed test binary.
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

// factories returns provider factories whose servers report to g.
func (g *rpcGuard) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	inner := providerserver.NewProtocol6WithError(New("test")())
	return map[string]func() (tfprotov6.ProviderServer, error){
		"jelou": func() (tfprotov6.ProviderServer, error) {
			s, err := inner()
			if err != nil {
				return nil, err
			}
			return guardedServer{ProviderServer: s, g: g}, nil
		},
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

func brokenResourceConfig(srv *faultServer, projectID, webhookURL string) string {
	return srv.providerConfig() + fmt.Sprintf(`
resource "jelou_external_support" "test" {
  project_id    = %q
  webhook_url   = %q
  auth_type     = "bearer"
  authorization = "server-responses-credential"
}
`, projectID, webhookURL)
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
			projectID := acctest.RandomName("proj-")
			acctest.Run(t, false, resource.TestCase{
				ProtoV6ProviderFactories: guard.factories(),
				Steps: []resource.TestStep{{
					PreConfig:   srv.fail(opCreate, broken.respond),
					Config:      brokenResourceConfig(srv, projectID, "https://support.example.com/jelou"),
					ExpectError: acctest.ErrorPattern(broken.pattern(opCreate)),
				}},
			})
			guard.verify(t, []string{opCreate}, emulator.DefaultJelouAPIKey, "server-responses-credential")
			if srv.faultyRequests(opCreate) == 0 {
				t.Error("the create never reached the server")
			}
		})
	}
}

// An existing integration meets each broken answer on refresh, update and
// destroy in turn. Each fails naming the operation and the problem; then,
// with the server healed, the plan is empty: the failed update kept the
// prior state and the failed destroy kept the resource, with its id and
// signing secret.
func TestAccServerResponses_existingIntegration(t *testing.T) {
	acctest.PreCheck(t)
	for name, broken := range brokenResponses {
		if !broken.has(opRead) && !broken.has(opUpdate) && !broken.has(opDelete) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			srv := newFaultServer(t)
			guard := &rpcGuard{}
			projectID := acctest.RandomName("proj-")
			before := brokenResourceConfig(srv, projectID, "https://support.example.com/jelou")
			after := brokenResourceConfig(srv, projectID, "https://support.example.com/jelou/v2")
			sameID := statecheck.CompareValue(compare.ValuesSame())
			sameSecret := statecheck.CompareValue(compare.ValuesSame())

			steps := []resource.TestStep{{
				Config: before,
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(resName, tfjsonpath.New("id")),
					sameSecret.AddStateValue(resName, tfjsonpath.New("signing_secret")),
				},
			}}
			var failed []string
			if broken.has(opRead) {
				failed = append(failed, opRead)
				steps = append(steps, resource.TestStep{
					PreConfig:   srv.fail(opRead, broken.respond),
					Config:      before,
					ExpectError: acctest.ErrorPattern(broken.pattern(opRead)),
				})
			}
			if broken.has(opUpdate) {
				failed = append(failed, opUpdate)
				steps = append(steps, resource.TestStep{
					PreConfig:   srv.fail(opUpdate, broken.respond),
					Config:      after,
					ExpectError: acctest.ErrorPattern(broken.pattern(opUpdate)),
				})
			}
			if broken.has(opDelete) {
				failed = append(failed, opDelete)
				steps = append(steps, resource.TestStep{
					PreConfig:   srv.fail(opDelete, broken.respond),
					Config:      before,
					Destroy:     true,
					ExpectError: acctest.ErrorPattern(broken.pattern(opDelete)),
				})
			}
			steps = append(steps, resource.TestStep{
				PreConfig: srv.heal,
				Config:    before,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(resName, tfjsonpath.New("id")),
					sameSecret.AddStateValue(resName, tfjsonpath.New("signing_secret")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("webhook_url"), knownvalue.StringExact("https://support.example.com/jelou")),
				},
				Check: func(*terraform.State) error {
					in, ok := srv.emu.JelouIntegration(projectID)
					if !ok {
						return fmt.Errorf("the server no longer holds the integration of project %q", projectID)
					}
					if in.WebhookURL != "https://support.example.com/jelou" {
						return fmt.Errorf("the server holds webhookUrl %q, want the original", in.WebhookURL)
					}
					return nil
				},
			})

			acctest.Run(t, false, resource.TestCase{
				ProtoV6ProviderFactories: guard.factories(),
				Steps:                    steps,
			})
			guard.verify(t, failed, emulator.DefaultJelouAPIKey, "server-responses-credential")
			// Idempotent requests are retried on 502, non-idempotent ones never.
			if strings.HasPrefix(name, "502") {
				for _, op := range []string{opRead, opDelete} {
					if n := srv.faultyRequests(op); n < 2 {
						t.Errorf("the %s was sent %d times on 502, want it retried", op, n)
					}
				}
				if n := srv.faultyRequests(opUpdate); n != 1 {
					t.Errorf("the update (PATCH) was sent %d times on 502, want once: it must not be retried", n)
				}
			}
		})
	}
}

// The data source meets each broken answer: the plan fails naming the read
// and the problem.
func TestAccServerResponses_dataSource(t *testing.T) {
	acctest.PreCheck(t)
	for name, broken := range brokenResponses {
		if !broken.has(opDataSource) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			srv := newFaultServer(t)
			guard := &rpcGuard{}
			acctest.Run(t, false, resource.TestCase{
				ProtoV6ProviderFactories: guard.factories(),
				Steps: []resource.TestStep{{
					PreConfig: srv.fail(opRead, broken.respond),
					Config: srv.providerConfig() + fmt.Sprintf(`
data "jelou_external_support" "test" {
  project_id = %q
}
`, acctest.RandomName("proj-")),
					ExpectError: acctest.ErrorPattern(broken.pattern(opDataSource)),
				}},
			})
			guard.verify(t, []string{opDataSource}, emulator.DefaultJelouAPIKey)
		})
	}
}

// A create answer without id and signingSecret is accepted with a warning:
// the integration was created, so failing would lose it. The id falls back
// to the project id, signing_secret is null, and refresh finds the
// integration.
func TestAccServerResponses_createWithoutSigningSecret(t *testing.T) {
	acctest.PreCheck(t)
	srv := newFaultServer(t)
	guard := &rpcGuard{}
	projectID := acctest.RandomName("proj-")
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: guard.factories(),
		Steps: []resource.TestStep{{
			PreConfig: srv.fail(opCreate, withoutFields("id", "signingSecret")),
			Config:    brokenResourceConfig(srv, projectID, "https://support.example.com/jelou"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("id"), knownvalue.StringExact(projectID)),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("signing_secret"), knownvalue.Null()),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				guard.warned("ApplyResourceChange", "Jelou Returned No Signing Secret"),
				func(*terraform.State) error {
					if _, ok := srv.emu.JelouIntegration(projectID); !ok {
						return fmt.Errorf("the server holds no integration for project %q", projectID)
					}
					return nil
				},
			),
		}},
	})
	guard.verify(t, nil, emulator.DefaultJelouAPIKey, "server-responses-credential")
}
