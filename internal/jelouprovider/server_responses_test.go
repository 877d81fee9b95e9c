package jelouprovider

import (
	"fmt"
	"net/http"
	"strings"
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

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
)

// These tests script the emulator to answer one Jelou route with a broken
// response (a Go-only custom fault, see acctest.FailOnly): invalid JSON, an HTML page,
// an empty body, JSON without the fields the provider needs, HTML error
// pages, bare gateway errors, plain-text 4xx answers, JSON error bodies of an
// unknown shape, a body over the 10 MiB limit. Every operation that meets one
// must fail with a diagnostic that names the operation and the problem,
// without a panic and without losing or half-writing state.

// Jelou operations, as the RPC guard names them.
const (
	opCreate     = "create"      // POST   /v1/external-support/{projectId}
	opRead       = "read"        // GET    /v1/external-support/{projectId}, refresh
	opUpdate     = "update"      // PATCH  /v1/external-support/{projectId}
	opDelete     = "delete"      // DELETE /v1/external-support/{projectId}
	opDataSource = "data source" // GET    /v1/external-support/{projectId}, data source
)

// opRoute is the emulator route each operation sends.
var opRoute = map[string]string{
	opCreate:     emulator.RouteJelouCreate,
	opRead:       emulator.RouteJelouGet,
	opUpdate:     emulator.RouteJelouUpdate,
	opDelete:     emulator.RouteJelouDelete,
	opDataSource: emulator.RouteJelouGet, // the data source reads the same route
}

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

// faultServer is an emulator whose Jelou operations the tests break one at
// a time.
type faultServer struct{ *emulator.Server }

func newFaultServer(t *testing.T) faultServer {
	t.Helper()
	return faultServer{acctest.StartEmulator(t)}
}

// Fail is a PreConfig that makes op's route, and only it, answer with f.
func (s faultServer) Fail(op string, f emulator.Fault) func() {
	return acctest.FailOnly(s.Emulator, opRoute[op], f)
}

// FaultyRequests returns how many requests of op met a scripted fault.
func (s faultServer) FaultyRequests(op string) int { return s.ScriptedCounts()[opRoute[op]] }

func (s faultServer) providerConfig() string {
	return acctest.Requirements("jelou") + fmt.Sprintf("provider \"jelou\" {\n  base_url = %q\n  api_key  = %q\n}\n",
		s.JelouURL(), emulator.DefaultJelouAPIKey)
}

// A 200 with a broken body means nothing to DELETE, which ignores the body;
// a 404 is "already gone" to read and delete, by design. Those pairs are
// left out here.
var brokenResponses = map[string]acctest.BrokenResponse{
	"200 with invalid JSON": {
		Respond: acctest.Reply(http.StatusOK, "application/json", `{"status":1,"data":{"id":"int-1","webhookUrl":`),
		Ops:     []string{opCreate, opRead, opUpdate, opDataSource},
		Problem: `unexpected response from Jelou \(HTTP 200\): invalid JSON`,
	},
	"200 with an HTML page": {
		Respond: acctest.Reply(http.StatusOK, "text/html; charset=utf-8", acctest.HTMLLoginPage),
		// Even a 2xx HTML page is never an API answer: a DELETE answered so
		// has deleted nothing, and the resource stays in state.
		Ops:     []string{opCreate, opRead, opUpdate, opDelete, opDataSource},
		Problem: `unexpected response from Jelou \(HTTP 200\): the server returned an HTML page instead of an API answer; check base_url`,
	},
	"200 with an empty body": {
		Respond: acctest.Reply(http.StatusOK, "application/json", ""),
		Ops:     []string{opCreate, opRead, opUpdate, opDataSource},
		Problem: `unexpected response from Jelou \(HTTP 200\): empty body`,
	},
	"200 with JSON that holds no integration": {
		Respond: acctest.Reply(http.StatusOK, "application/json", `{"message":["ok"],"statusMessage":"success","status":1,"data":{"createdAt":"2024-01-01T00:00:00Z"}}`),
		Ops:     []string{opCreate, opRead, opUpdate, opDataSource},
		Problem: `unexpected response from Jelou \(HTTP 200\): the body holds no integration`,
	},
	"200 with JSON of the wrong types": {
		Respond: acctest.Reply(http.StatusOK, "application/json", `{"status":1,"data":{"id":{"$oid":"int-1"},"webhookUrl":["https://a.example.com"]}}`),
		Ops:     []string{opCreate, opRead, opDataSource},
		Problem: `unexpected response from Jelou \(HTTP 200\): unexpected JSON shape`,
	},
	"200 with a body over 10 MiB": {
		Respond: acctest.HugeBody(`{"status":1,"data":{"id":"x","brainId":"x","webhookUrl":"https://support.example.com/jelou","padding":"`, `"}}`),
		Ops:     []string{opCreate, opRead, opDataSource},
		Problem: `unexpected response from Jelou \(HTTP 200\): the body is larger than 10485760 bytes`,
	},
	"500 with an HTML error page": {
		// GETs and DELETE are retried on 500 too; Retry-After: 0 keeps the retries instant.
		Respond: acctest.Reply(http.StatusInternalServerError, "text/html", acctest.HTMLErrorPage, "Retry-After", "0"),
		Ops:     []string{opCreate, opRead, opUpdate, opDelete, opDataSource},
		Problem: `HTTP 500 Internal Server Error.*HTML error page`,
	},
	// GET and DELETE are retried on 502; Retry-After: 0 keeps the retries instant.
	"502 with an empty body": {
		Respond: acctest.Reply(http.StatusBadGateway, "", "", "Retry-After", "0"),
		Ops:     []string{opCreate, opRead, opUpdate, opDelete, opDataSource},
		Problem: `HTTP 502 Bad Gateway`,
	},
	"401 with plain text": {
		Respond: acctest.Reply(http.StatusUnauthorized, "text/plain", "Token expired, sign in again\n"),
		Ops:     []string{opCreate, opRead, opUpdate, opDelete, opDataSource},
		Problem: `HTTP 401 Unauthorized.*Token expired, sign in again.*credentials`,
	},
	"401 echoing the credential": {
		Respond: acctest.Reply(http.StatusUnauthorized, "text/plain", "API key "+emulator.DefaultJelouAPIKey+" is not valid for this project"),
		Ops:     []string{opCreate, opRead},
		Problem: `HTTP 401 Unauthorized.*API key \[redacted\] is not valid`,
	},
	"404 with plain text": {
		Respond: acctest.Reply(http.StatusNotFound, "text/plain", "404 page not found"),
		// Not the API's own 404: a refresh keeps the resource instead of taking it as deleted.
		Ops:     []string{opCreate, opRead, opUpdate, opDataSource},
		Problem: `HTTP 404 Not Found.*404 page not found`,
		ProblemFor: map[string]string{
			opUpdate:     `HTTP 404 Not Found.*404 page not found.*does not say the object is gone.*base_url`,
			opDataSource: `HTTP 404 Not Found.*404 page not found.*does not say the object is gone.*base_url`,
		},
	},
	"409 with plain text": {
		Respond: acctest.Reply(http.StatusConflict, "text/plain", "Conflict: locked by another request"),
		Ops:     []string{opCreate, opUpdate, opDelete},
		Problem: `HTTP 409 Conflict.*locked by another request`,
		ProblemFor: map[string]string{
			opCreate: `HTTP 409 Conflict.*locked by another request.*import`,
		},
	},
	"422 with plain text": {
		Respond: acctest.Reply(http.StatusUnprocessableEntity, "text/plain; charset=utf-8", "webhookUrl is not reachable"),
		Ops:     []string{opCreate, opUpdate, opDelete},
		Problem: `HTTP 422 Unprocessable Entity.*webhookUrl is not reachable`,
	},
	"400 with a JSON error body of an unknown shape": {
		Respond: acctest.Reply(http.StatusBadRequest, "application/json", `{"errors":[{"loc":["body","webhookUrl"],"type":"value_error.url"}]}`),
		Ops:     []string{opCreate, opRead, opUpdate, opDelete, opDataSource},
		Problem: `HTTP 400 Bad Request.*value_error\.url`,
	},
}

// rpcGuard is an acctest.RPCGuard that knows the RPC and summary each Jelou
// operation fails with.
type rpcGuard struct{ *acctest.RPCGuard }

func newRPCGuard() rpcGuard { return rpcGuard{acctest.NewRPCGuard(opRPC, opSummary)} }

// factories returns provider factories whose servers report to g.
func (g rpcGuard) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"jelou": g.Wrap(providerserver.NewProtocol6WithError(New("test")())),
	}
}

func brokenResourceConfig(srv faultServer, projectID, webhookURL string) string {
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
		if !broken.Has(opCreate) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			srv := newFaultServer(t)
			guard := newRPCGuard()
			projectID := acctest.RandomName("proj-")
			acctest.Run(t, false, resource.TestCase{
				ProtoV6ProviderFactories: guard.factories(),
				Steps: []resource.TestStep{{
					PreConfig:   srv.Fail(opCreate, broken.Respond),
					Config:      brokenResourceConfig(srv, projectID, "https://support.example.com/jelou"),
					ExpectError: acctest.ErrorPattern(broken.Pattern(opSummary, opCreate)),
				}},
			})
			guard.Verify(t, []string{opCreate}, emulator.DefaultJelouAPIKey, "server-responses-credential")
			if srv.FaultyRequests(opCreate) == 0 {
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
		if !broken.Has(opRead) && !broken.Has(opUpdate) && !broken.Has(opDelete) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			srv := newFaultServer(t)
			guard := newRPCGuard()
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
			if broken.Has(opRead) {
				failed = append(failed, opRead)
				steps = append(steps, resource.TestStep{
					PreConfig:   srv.Fail(opRead, broken.Respond),
					Config:      before,
					ExpectError: acctest.ErrorPattern(broken.Pattern(opSummary, opRead)),
				})
			}
			if broken.Has(opUpdate) {
				failed = append(failed, opUpdate)
				steps = append(steps, resource.TestStep{
					PreConfig:   srv.Fail(opUpdate, broken.Respond),
					Config:      after,
					ExpectError: acctest.ErrorPattern(broken.Pattern(opSummary, opUpdate)),
				})
			}
			if broken.Has(opDelete) {
				failed = append(failed, opDelete)
				steps = append(steps, resource.TestStep{
					PreConfig:   srv.Fail(opDelete, broken.Respond),
					Config:      before,
					Destroy:     true,
					ExpectError: acctest.ErrorPattern(broken.Pattern(opSummary, opDelete)),
				})
			}
			steps = append(steps, resource.TestStep{
				PreConfig: srv.ClearScripts,
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
					in, ok := srv.JelouIntegration(projectID)
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
			guard.Verify(t, failed, emulator.DefaultJelouAPIKey, "server-responses-credential")
			// Idempotent requests are retried on 502, non-idempotent ones never.
			if strings.HasPrefix(name, "502") {
				for _, op := range []string{opRead, opDelete} {
					if n := srv.FaultyRequests(op); n < 2 {
						t.Errorf("the %s was sent %d times on 502, want it retried", op, n)
					}
				}
				if n := srv.FaultyRequests(opUpdate); n != 1 {
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
		if !broken.Has(opDataSource) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			srv := newFaultServer(t)
			guard := newRPCGuard()
			acctest.Run(t, false, resource.TestCase{
				ProtoV6ProviderFactories: guard.factories(),
				Steps: []resource.TestStep{{
					PreConfig: srv.Fail(opRead, broken.Respond),
					Config: srv.providerConfig() + fmt.Sprintf(`
data "jelou_external_support" "test" {
  project_id = %q
}
`, acctest.RandomName("proj-")),
					ExpectError: acctest.ErrorPattern(broken.Pattern(opSummary, opDataSource)),
				}},
			})
			guard.Verify(t, []string{opDataSource}, emulator.DefaultJelouAPIKey)
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
	guard := newRPCGuard()
	projectID := acctest.RandomName("proj-")
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: guard.factories(),
		Steps: []resource.TestStep{{
			PreConfig: srv.Fail(opCreate, acctest.WithoutFields("id", "signingSecret")),
			Config:    brokenResourceConfig(srv, projectID, "https://support.example.com/jelou"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("id"), knownvalue.StringExact(projectID)),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("signing_secret"), knownvalue.Null()),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				guard.Warned("ApplyResourceChange", "Jelou Returned No Signing Secret"),
				func(*terraform.State) error {
					if _, ok := srv.JelouIntegration(projectID); !ok {
						return fmt.Errorf("the server holds no integration for project %q", projectID)
					}
					return nil
				},
			),
		}},
	})
	guard.Verify(t, nil, emulator.DefaultJelouAPIKey, "server-responses-credential")
}
