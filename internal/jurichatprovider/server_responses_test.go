package jurichatprovider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
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

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
)

// These tests script the emulator to answer one JuriChat route with a
// broken response (a Go-only custom fault, see acctest.FailOnly): invalid JSON, an HTML
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

// Routes of the JuriChat API, as the emulator names them.
const (
	routeCreate = emulator.RouteJurichatCreate
	routeGet    = emulator.RouteJurichatGet
	routePatch  = emulator.RouteJurichatUpdate
	routeDelete = emulator.RouteJurichatDelete
	routeList   = emulator.RouteJurichatList
	routeEvents = emulator.RouteJurichatEvents
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

// faultServer is an emulator whose JuriChat routes the tests break one at
// a time.
type faultServer struct{ *emulator.Server }

func newFaultServer(t *testing.T) faultServer {
	t.Helper()
	return faultServer{acctest.StartEmulator(t)}
}

// Fail is a PreConfig that makes route, and only it, answer with f.
func (s faultServer) Fail(route string, f emulator.Fault) func() {
	return acctest.FailOnly(s.Emulator, route, f)
}

// FaultyRequests returns how many requests to route met a scripted fault.
func (s faultServer) FaultyRequests(route string) int { return s.ScriptedCounts()[route] }

// target is the fault server as an acceptance-test target, so that the
// configuration helpers of the other tests apply.
func (s faultServer) target() *acctest.JuriChat {
	return &acctest.JuriChat{
		ProviderConfig: acctest.Requirements("jurichat") + fmt.Sprintf("provider \"jurichat\" {\n  base_url = %q\n  token    = %q\n}\n",
			s.JurichatURL(), emulator.DefaultJurichatToken),
	}
}

// client talks to the fault server with the emulator's credentials.
func (s faultServer) client(t *testing.T) *jurichat.Client {
	t.Helper()
	c, err := jurichat.NewClient(jurichat.Config{BaseURL: s.URL + "/jurichat", Token: emulator.DefaultJurichatToken})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Operations grouped by what they do with a body.
var (
	readsOne  = []string{opCreate, opRead, opUpdate, opWebhookDS, opEphemeral} // decode one webhook
	readsList = []string{opListDS, opEventsDS}                                 // decode a list
	allOps    = []string{opCreate, opRead, opUpdate, opDelete, opWebhookDS, opListDS, opEventsDS, opEphemeral}
)

// A 200 with a broken body means nothing to DELETE, which ignores the body;
// a 404 is "already gone" to read and delete, by design. Those pairs are
// left out here.
var brokenResponses = map[string]acctest.BrokenResponse{
	"200 with invalid JSON": {
		Respond: acctest.Reply(http.StatusOK, "application/json", `{"id":"wh-1","name":"x","events":[`),
		Ops:     append(slices.Clone(readsOne), readsList...),
		Problem: `unexpected response from JuriChat \(HTTP 200\): invalid JSON`,
	},
	"200 with an HTML page": {
		Respond: acctest.Reply(http.StatusOK, "text/html; charset=utf-8", acctest.HTMLLoginPage),
		// Even a 2xx HTML page is never an API answer: a DELETE answered so
		// has deleted nothing, and the resource stays in state.
		Ops:     append(append(slices.Clone(readsOne), readsList...), opDelete),
		Problem: `unexpected response from JuriChat \(HTTP 200\): the server returned an HTML page instead of an API answer; check base_url`,
	},
	"200 with an empty body": {
		Respond: acctest.Reply(http.StatusOK, "application/json", ""),
		Ops:     append(slices.Clone(readsOne), readsList...),
		Problem: `unexpected response from JuriChat \(HTTP 200\): empty body`,
	},
	"200 with a webhook without id": {
		Respond: acctest.Reply(http.StatusOK, "application/json",
			`{"name":"x","url":"https://hooks.example.com/jurichat","events":["crm.lead.created"],"isActive":true,"secret":"wh-secret-without-id"}`),
		Ops:     readsOne,
		Problem: `unexpected response from JuriChat \(HTTP 200\): the body holds no webhook id`,
	},
	"200 with JSON of the wrong types": {
		Respond: acctest.Reply(http.StatusOK, "application/json", `{"id":"wh-1","name":"x","events":"crm.lead.created","isActive":"yes"}`),
		Ops:     []string{opCreate, opRead, opUpdate, opWebhookDS, opEphemeral},
		Problem: `unexpected response from JuriChat \(HTTP 200\): unexpected JSON shape: field (events|isActive) is a JSON string`,
	},
	"200 with a list of the wrong shape": {
		Respond: acctest.Reply(http.StatusOK, "application/json", `{"data":"none","catalogue":{"crm.lead.created":{}}}`),
		Ops:     readsList,
		Problem: `unexpected response from JuriChat \(HTTP 200\): expected a JSON array or an object with a "(data|events)" array`,
	},
	"200 with a body over 10 MiB": {
		Respond: acctest.HugeBody(`{"id":"wh-1","name":"x","url":"https://hooks.example.com/jurichat","description":"`, `"}`),
		Ops:     []string{opCreate, opRead, opWebhookDS, opListDS},
		Problem: `unexpected response from JuriChat \(HTTP 200\): the body is larger than 10485760 bytes`,
	},
	"500 with an HTML error page": {
		// GETs and DELETE are retried on 500 too; Retry-After: 0 keeps the retries instant.
		Respond: acctest.Reply(http.StatusInternalServerError, "text/html", acctest.HTMLErrorPage, "Retry-After", "0"),
		Ops:     allOps,
		Problem: `HTTP 500 Internal Server Error.*HTML error page`,
	},
	// GETs and DELETE are retried on 502; Retry-After: 0 keeps the retries instant.
	"502 with an empty body": {
		Respond: acctest.Reply(http.StatusBadGateway, "", "", "Retry-After", "0"),
		Ops:     allOps,
		Problem: `HTTP 502 Bad Gateway`,
	},
	"401 with plain text": {
		Respond: acctest.Reply(http.StatusUnauthorized, "text/plain", "Token expired, sign in again\n"),
		Ops:     allOps,
		Problem: `HTTP 401 Unauthorized.*Token expired, sign in again.*credentials.*JURICHAT_TOKEN`,
	},
	"401 echoing the credential": {
		Respond: acctest.Reply(http.StatusUnauthorized, "text/plain", "token "+emulator.DefaultJurichatToken+" has expired"),
		Ops:     []string{opCreate, opRead, opEphemeral},
		Problem: `HTTP 401 Unauthorized.*token \[redacted\] has expired`,
	},
	"404 with plain text": {
		Respond: acctest.Reply(http.StatusNotFound, "text/plain", "404 page not found"),
		// Not the API's own 404: a refresh keeps the resource instead of taking it as deleted.
		Ops:     []string{opCreate, opRead, opUpdate, opWebhookDS, opListDS, opEventsDS, opEphemeral},
		Problem: `HTTP 404 Not Found.*404 page not found`,
		ProblemFor: map[string]string{
			opUpdate:    `HTTP 404 Not Found.*404 page not found.*does not say the object is gone.*base_url`,
			opWebhookDS: `HTTP 404 Not Found.*404 page not found.*does not say the object is gone.*base_url`,
			opEphemeral: `HTTP 404 Not Found.*404 page not found.*does not say the object is gone.*base_url`,
		},
	},
	"409 with plain text": {
		Respond: acctest.Reply(http.StatusConflict, "text/plain", "Conflict: locked by another request"),
		Ops:     []string{opCreate, opUpdate, opDelete},
		Problem: `HTTP 409 Conflict.*locked by another request`,
	},
	"422 with plain text": {
		Respond: acctest.Reply(http.StatusUnprocessableEntity, "text/plain; charset=utf-8", "url is not reachable"),
		Ops:     []string{opCreate, opUpdate, opDelete},
		Problem: `HTTP 422 Unprocessable Entity.*url is not reachable`,
	},
	"400 with a JSON error body of an unknown shape": {
		Respond: acctest.Reply(http.StatusBadRequest, "application/json", `{"errors":{"url":{"kind":"format","at":"/url"}}}`),
		Ops:     allOps,
		Problem: `HTTP 400 Bad Request.*"kind":"format"`,
	},
}

// rpcGuard is an acctest.RPCGuard that knows the RPC and summary each
// JuriChat operation fails with.
type rpcGuard struct{ *acctest.RPCGuard }

func newRPCGuard() rpcGuard { return rpcGuard{acctest.NewRPCGuard(opRPC, opSummary)} }

// factories returns provider factories whose jurichat servers report to g,
// with the echo provider for ephemeral values.
func (g rpcGuard) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"jurichat": g.Wrap(providerserver.NewProtocol6WithError(New("test")())),
		"echo":     echoprovider.NewProviderServer(),
	}
}

// Credentials the diagnostics must never carry.
const headerCredential = "server-responses-header-credential"

// brokenWebhookConfig declares one webhook, without outputs: a failed
// destroy removes root outputs from the state even though the resource
// stays, which is not what the tests look at.
func brokenWebhookConfig(srv faultServer, name string) string {
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
		if !broken.Has(opCreate) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			srv := newFaultServer(t)
			guard := newRPCGuard()
			acctest.Run(t, false, resource.TestCase{
				ProtoV6ProviderFactories: guard.factories(),
				Steps: []resource.TestStep{{
					PreConfig:   srv.Fail(routeCreate, broken.Respond),
					Config:      brokenWebhookConfig(srv, "server responses"),
					ExpectError: acctest.ErrorPattern(broken.Pattern(opSummary, opCreate)),
				}},
			})
			guard.Verify(t, []string{opCreate}, emulator.DefaultJurichatToken, headerCredential)
			if srv.FaultyRequests(routeCreate) == 0 {
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
		if !broken.Has(opRead) && !broken.Has(opUpdate) && !broken.Has(opDelete) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			srv := newFaultServer(t)
			guard := newRPCGuard()
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
				if !broken.Has(op) {
					continue
				}
				failed = append(failed, op)
				step := resource.TestStep{
					PreConfig:   srv.Fail(opRoute[op], broken.Respond),
					Config:      before,
					ExpectError: acctest.ErrorPattern(broken.Pattern(opSummary, op)),
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
				PreConfig: srv.ClearScripts,
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
					h, ok := srv.JurichatWebhook(id)
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
			guard.Verify(t, failed, emulator.DefaultJurichatToken, headerCredential)
			// Idempotent requests are retried on 502, non-idempotent ones never.
			if strings.HasPrefix(name, "502") {
				for _, route := range []string{routeGet, routeDelete} {
					if n := srv.FaultyRequests(route); n < 2 {
						t.Errorf("%s was sent %d times on 502, want it retried", route, n)
					}
				}
				if n := srv.FaultyRequests(routePatch); n != 1 {
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
			if !broken.Has(op) {
				continue
			}
			t.Run(op+"/"+name, func(t *testing.T) {
				srv := newFaultServer(t)
				guard := newRPCGuard()
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
						PreConfig:   srv.Fail(opRoute[op], broken.Respond),
						Config:      config,
						ExpectError: acctest.ErrorPattern(broken.Pattern(opSummary, op)),
					}},
				})
				guard.Verify(t, []string{op}, emulator.DefaultJurichatToken)
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
	guard := newRPCGuard()
	var id string
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: guard.factories(),
		Steps: []resource.TestStep{
			{
				PreConfig: srv.Fail(routeCreate, acctest.WithoutFields("secret")),
				Config:    brokenWebhookConfig(srv, "created without secret"),
				Check: resource.ComposeAggregateTestCheckFunc(
					recordID(&id),
					guard.Warned("ApplyResourceChange", "JuriChat Returned No Webhook Secret"),
				),
			},
			{
				PreConfig: srv.ClearScripts,
				Config:    brokenWebhookConfig(srv, "created without secret"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: acctest.CheckAttrEquals(resName, "secret", func() (string, error) {
					h, ok := srv.JurichatWebhook(id)
					if !ok {
						return "", fmt.Errorf("the server holds no webhook %s", id)
					}
					return h.Secret, nil
				}),
			},
		},
	})
	guard.Verify(t, nil, emulator.DefaultJurichatToken, headerCredential)
}

// A webhook read without its secret cannot open the ephemeral secret: the
// error says so, instead of handing on an empty secret.
func TestAccServerResponses_ephemeralWithoutSecret(t *testing.T) {
	acctest.PreCheck(t)
	srv := newFaultServer(t)
	guard := newRPCGuard()
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
			PreConfig:   srv.Fail(routeGet, acctest.WithoutFields("secret")),
			Config:      ephemeralConfig(srv.target(), fmt.Sprintf("%q", hook.ID)),
			ExpectError: acctest.ErrorPattern(`JuriChat Returned No Webhook Secret.*` + regexp.QuoteMeta(hook.ID) + `.*without a secret`),
		}},
	})
	guard.Verify(t, nil, emulator.DefaultJurichatToken)
}
