package acctest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// RPCGuard wraps the provider server under test. It records every
// diagnostic of the RPCs that reach the API, and a panic in one of them as
// a failure of the test (with an RPC error, so that Terraform goes on)
// instead of a crashed test binary.
//
// Tests name the operations they expect to fail (create, read…); the guard
// knows, for each, the provider RPC it fails in and the summary of its error
// diagnostic.
type RPCGuard struct {
	opRPC, opSummary map[string]string

	mu     sync.Mutex
	diags  []rpcDiag
	panics []string
}

// NewRPCGuard returns a guard for a provider whose operations fail in the
// RPCs opRPC names, with the diagnostic summaries opSummary names.
func NewRPCGuard(opRPC, opSummary map[string]string) *RPCGuard {
	return &RPCGuard{opRPC: opRPC, opSummary: opSummary}
}

type rpcDiag struct {
	rpc              string
	severity         tfprotov6.DiagnosticSeverity
	summary, details string
}

func (d rpcDiag) text() string { return d.summary + "\n" + d.details }

// Wrap returns a provider factory whose servers (made by factory) report to g.
func (g *RPCGuard) Wrap(factory func() (tfprotov6.ProviderServer, error)) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		s, err := factory()
		if err != nil {
			return nil, err
		}
		return guardedServer{ProviderServer: s, g: g}, nil
	}
}

func (g *RPCGuard) record(rpc string, err error, diags []*tfprotov6.Diagnostic) {
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
func (g *RPCGuard) catch(rpc string, errp *error) {
	if v := recover(); v != nil {
		g.mu.Lock()
		g.panics = append(g.panics, fmt.Sprintf("%s panicked: %v", rpc, v))
		g.mu.Unlock()
		*errp = fmt.Errorf("%s panicked", rpc)
	}
}

func (g *RPCGuard) snapshot() ([]rpcDiag, []string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]rpcDiag(nil), g.diags...), append([]string(nil), g.panics...)
}

// Verify fails the test on any panic or RPC error, on any diagnostic that
// carries a credential or says "panic", and unless each expected operation
// failed in its RPC with its summary.
func (g *RPCGuard) Verify(t *testing.T, expectFailed []string, secrets ...string) {
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
			if d.severity == tfprotov6.DiagnosticSeverityError && d.rpc == g.opRPC[op] && d.summary == g.opSummary[op] {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s error diagnostic %q: the %s did not fail where it should", g.opRPC[op], g.opSummary[op], op)
		}
	}
}

// Warned is a check that rpc reported a warning with the given summary.
func (g *RPCGuard) Warned(rpc, summary string) resource.TestCheckFunc {
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

// guardedServer is a provider server reporting to an RPCGuard.
type guardedServer struct {
	tfprotov6.ProviderServer
	g *RPCGuard
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
