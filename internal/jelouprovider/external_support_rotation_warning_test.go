package jelouprovider

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
)

// The rotation warning appears once per command that applies a rotation:
// in the plan of `apply -auto-approve`, not again from the apply's second
// planning; in `plan -out`, and not again in `apply tfplan`. The providers
// are served by the test, so plan and apply share one process here, as the
// framework's reattach mode has them. The CLI's -json output has one
// object per diagnostic (the human-readable one consolidates warnings with
// one summary), so the count does not depend on the CLI's wording.
func TestAccExternalSupport_rotationWarnedOnce(t *testing.T) {
	target := acctest.NewJelou(t)
	projectID := target.ProjectID()
	const warning = "Jelou Signing Secret Will Be Regenerated"
	config := func(generation int) string {
		return integrationConfig(target, projectID, fmt.Sprintf(`  webhook_url = "https://support.example.com/jelou"
  rotate_when_changed = { generation = "%d" }`, generation))
	}
	ws := acctest.NewWorkspace(t, map[string]func() tfprotov6.ProviderServer{"jelou": providerserver.NewProtocol6(New("test")())})
	ws.Write("main.tf", config(1))
	ws.MustRun("init", "-no-color", "-input=false")
	ws.MustRun("apply", "-no-color", "-input=false", "-auto-approve")
	t.Cleanup(func() { _, _ = ws.Run("destroy", "-no-color", "-input=false", "-auto-approve") })

	ws.Write("main.tf", config(2))
	out := ws.MustRun("apply", "-no-color", "-input=false", "-auto-approve", "-json")
	if n := countWarnings(out, warning); n != 1 {
		t.Errorf("apply -auto-approve reports the rotation warning %d times, want once:\n%s", n, out)
	}

	ws.Write("main.tf", config(3))
	out = ws.MustRun("plan", "-no-color", "-input=false", "-json", "-out=rotate.tfplan")
	if n := countWarnings(out, warning); n != 1 {
		t.Errorf("plan -out reports the rotation warning %d times, want once:\n%s", n, out)
	}
	out = ws.MustRun("apply", "-no-color", "-input=false", "-json", "rotate.tfplan")
	if n := countWarnings(out, warning); n != 0 {
		t.Errorf("apply of the saved plan reports the rotation warning %d times, want none (the plan did):\n%s", n, out)
	}
	if n := target.Emulator.RouteCounts()["jelou.secret.regenerate"]; target.Emulator != nil && n != 2 {
		t.Errorf("%d regenerates, want 2", n)
	}
}

// countWarnings counts the diagnostics with summary in -json output.
func countWarnings(out, summary string) int {
	n := 0
	for _, line := range strings.Split(out, "\n") {
		var msg struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Summary string `json:"summary"`
			} `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &msg) == nil && msg.Type == "diagnostic" && msg.Diagnostic.Summary == summary {
			n++
		}
	}
	return n
}
