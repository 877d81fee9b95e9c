package jelouprovider

import (
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
// framework's reattach mode has them.
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
	out := ws.MustRun("apply", "-no-color", "-input=false", "-auto-approve")
	if n := strings.Count(out, warning); n != 1 || strings.Contains(out, "similar warning") {
		t.Errorf("apply -auto-approve shows the rotation warning %d times, want once:\n%s", n, out)
	}

	ws.Write("main.tf", config(3))
	out = ws.MustRun("plan", "-no-color", "-input=false", "-out=rotate.tfplan")
	if n := strings.Count(out, warning); n != 1 {
		t.Errorf("plan -out shows the rotation warning %d times, want once:\n%s", n, out)
	}
	out = ws.MustRun("apply", "-no-color", "-input=false", "rotate.tfplan")
	if n := strings.Count(out, warning); n != 0 {
		t.Errorf("apply of the saved plan shows the rotation warning %d times, want none (the plan showed it):\n%s", n, out)
	}
	if n := target.Emulator.RouteCounts()["jelou.secret.regenerate"]; target.Emulator != nil && n != 2 {
		t.Errorf("%d regenerates, want 2", n)
	}
}
