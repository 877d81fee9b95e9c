// Package demo is `make demo`: it shows, end to end and on loopback only,
// what the jelou and jurichat providers are for. It builds both providers,
// wires them into Terraform with a dev_overrides CLI configuration of its
// own, starts the API emulator and the project's webhook receiver, applies
// examples/demo (one module creates the integrations, another hands their
// secrets to the receiver), triggers genuine and tampered deliveries, checks
// the receiver's verdicts, rotates the Jelou signing secret in place (the
// receiver gets the new one in the same apply; the old one no longer
// verifies), plans again expecting no changes, destroys everything and stops
// what it started, whatever happens.
package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/receiver"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/signature"
)

// Options configure Run.
type Options struct {
	// Root is the repository root (where go.mod is); "": found from the
	// working directory upwards.
	Root string
	// Terraform is the path of the Terraform-compatible CLI (terraform or tofu). Required.
	Terraform string
	// Out receives the demo's output; nil: os.Stdout.
	Out io.Writer
	// Color lets Terraform color its output and the demo bold its headings.
	Color bool
	// CleanupContext bounds the cleanup after a failure or an interrupt
	// (destroying what apply created); cancelling it skips the destroy but
	// still stops every process and removes the temporary directory.
	// nil: context.Background().
	CleanupContext context.Context
	// ReceiverMaxLifetime is the receiver's -max-lifetime safety timeout; 0: 15 minutes.
	ReceiverMaxLifetime time.Duration

	// Test hooks.
	onSecrets  func([]string)         // every secret of the run, after apply
	onReceiver func(*receiverProcess) // the receiver, once started
	onTempDir  func(string)           // the temporary directory, once created
	onStep     func(n int, err error) // after each step
	inspect    func(*emulator.Server) // the emulator, after apply
}

// StepError is a failed step.
type StepError struct {
	Step  int // 1-based; 0 for the cleanup
	Title string
	Err   error
}

func (e *StepError) Error() string {
	if e.Step == 0 {
		return fmt.Sprintf("%s failed: %v", e.Title, e.Err)
	}
	return fmt.Sprintf("step %d/%d (%s) failed: %v", e.Step, stepCount, e.Title, e.Err)
}

func (e *StepError) Unwrap() error { return e.Err }

// Endpoint names the example gives the receiver's endpoints (examples/demo/main.tf).
const jelouEndpoint = "support-panel"

// demo is one run.
type demo struct {
	opts  Options
	con   *console
	root  string
	cli   string // path
	cliID string // e.g. "Terraform v1.11.4"
	name  string // "terraform" or "tofu", for display
	start time.Time

	tmp, providersDir, binDir, workDir, rcFile string
	receiverBin                                string

	emu       *emulator.Server
	emuCancel context.CancelFunc
	emuOpts   emulator.Options
	rcv       *receiverProcess

	adminToken, panelToken string
	secrets                []string // every secret value of the run

	applyStarted, destroyed bool

	outputs  demoOutputs
	triggers []*trigger
	verdicts verdictCounts

	timings []time.Duration
}

type step struct {
	title string
	run   func(context.Context) error
}

const stepCount = 8

// nextHeading is the README heading the closing lines send the reader to: the
// way to run a configuration of one's own. TestNextHeadingExists keeps it a
// heading of README.md.
const nextHeading = "Try it locally"

func (d *demo) steps() []step {
	return []step{
		{"build the providers and point Terraform at them", d.stepBuild},
		{"start the API emulator and the webhook receiver", d.stepStart},
		{"apply examples/demo", d.stepApply},
		{"trigger webhook deliveries", d.stepDeliver},
		{"check the receiver's verdicts", d.stepVerdicts},
		{"rotate the Jelou signing secret in place", d.stepRotate},
		{"plan again: expect no changes", d.stepPlan},
		{"destroy and stop everything", d.stepDestroy},
	}
}

// Run runs the demo. It returns a *StepError naming the step that failed.
// Whatever happens, it stops the processes it started and removes its
// temporary directory; if apply had started and destroy had not run, it
// destroys first.
func Run(ctx context.Context, opts Options) (err error) {
	if opts.Out == nil {
		opts.Out = os.Stdout
	}
	if opts.CleanupContext == nil {
		opts.CleanupContext = context.Background()
	}
	if opts.ReceiverMaxLifetime <= 0 {
		opts.ReceiverMaxLifetime = 15 * time.Minute
	}
	d := &demo{opts: opts, con: newConsole(opts.Out, opts.Color), start: time.Now()}
	defer func() {
		if r := recover(); r != nil {
			err = &StepError{Title: "demo", Err: fmt.Errorf("internal error: %v", r)}
		}
		if cerr := d.cleanup(err != nil); cerr != nil && err == nil {
			err = &StepError{Title: "cleanup", Err: cerr}
		}
		err = d.finish(err)
	}()
	if opts.Terraform == "" {
		return &StepError{Step: 1, Title: "setup", Err: errors.New("no Terraform CLI given (Options.Terraform)")}
	}
	d.intro()
	for i, s := range d.steps() {
		n := i + 1
		d.con.heading(fmt.Sprintf("[%d/%d] %s", n, stepCount, capitalize(s.title)))
		t0 := time.Now()
		err := s.run(ctx)
		if err == nil && ctx.Err() != nil {
			err = fmt.Errorf("interrupted: %w", context.Cause(ctx))
		}
		d.timings = append(d.timings, time.Since(t0))
		if d.opts.onStep != nil {
			d.opts.onStep(n, err)
		}
		if err != nil {
			return &StepError{Step: n, Title: s.title, Err: err}
		}
		d.con.printf("done in %s", round(time.Since(t0)))
	}
	return nil
}

func (d *demo) intro() {
	title := "Jelou and JuriChat webhooks, managed with Terraform: the demo"
	d.con.heading(title + "\n" + strings.Repeat("=", len(title)))
	d.con.printf(`Jelou (customer support) and JuriChat (legal-practice CRM) send events to your
systems as webhooks, each signed with an HMAC secret the vendor generates when
the integration is created. The two Terraform providers in this repository,
jelou and jurichat, create those integrations with terraform apply and keep the
secrets as sensitive attributes, so that other Terraform code can configure
the system that receives the webhooks: nobody copies a secret by hand, and
Terraform never prints one.

This demo runs that loop on 127.0.0.1 only: against the project's emulator of
both vendor APIs (no account, no network), with a small webhook receiver
standing in for your system. It verifies every signature it gets.`)
}

// ---- step 1 ----

func (d *demo) stepBuild(ctx context.Context) error {
	d.con.printf(`One Go binary serves both providers; Terraform finds a provider by its file
name, so the binary is saved as terraform-provider-jelou and
terraform-provider-jurichat. The receiver is built alongside.`)
	root := d.opts.Root
	if root == "" {
		var err error
		if root, err = tfrun.FindRoot(); err != nil {
			return err
		}
	}
	d.root = root
	tmp, err := os.MkdirTemp("", "externalsupport-demo-")
	if err != nil {
		return err
	}
	d.tmp = tmp
	if d.opts.onTempDir != nil {
		d.opts.onTempDir(tmp)
	}
	d.providersDir = filepath.Join(tmp, "providers")
	d.binDir = filepath.Join(tmp, "bin")
	d.workDir = filepath.Join(tmp, "work")
	d.rcFile = filepath.Join(tmp, "terraformrc")
	for _, dir := range []string{d.providersDir, d.binDir} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}

	build := tfrun.Build{Root: root, OutDir: filepath.Join(tmp, "build"), ProvidersDir: d.providersDir, Extra: []string{"./dev/cmd/receiver"}}
	d.con.printf("$ go %s", strings.Join(build.Args(), " "))
	t0 := time.Now()
	if err := build.Run(ctx, d.con.lines("    | ")); err != nil {
		return err
	}
	d.receiverBin = filepath.Join(d.binDir, tfrun.Executable("receiver"))
	if err := os.Rename(filepath.Join(build.OutDir, tfrun.Executable("receiver")), d.receiverBin); err != nil {
		return err
	}
	_ = os.RemoveAll(build.OutDir)
	d.con.printf("built in %s:\n  %s/terraform-provider-jelou\n  %s/terraform-provider-jurichat\n  %s",
		round(time.Since(t0)), d.providersDir, d.providersDir, d.receiverBin)

	rc, err := tfrun.WriteCLIConfig(d.rcFile, d.providersDir, "Written by the demo, used by its commands only (TF_CLI_CONFIG_FILE).")
	if err != nil {
		return err
	}
	d.con.printf(`
A CLI configuration of the demo's own tells Terraform to take these two
providers from the build instead of a registry (dev_overrides). The demo sets
TF_CLI_CONFIG_FILE to it for its own commands only: your ~/.terraformrc is
neither read nor changed. Terraform warns about the overrides on every
command; that is expected here.
%s:`, d.rcFile)
	d.con.raw(indent(rc, "      "))

	d.cli = d.opts.Terraform
	d.name = tfrun.DisplayName(d.cli)
	d.cliID, err = tfrun.Version(ctx, d.cli, tmp, d.terraformEnv())
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		return fmt.Errorf("the CLI %s does not run: %w", d.cli, err)
	}
	d.con.printf("\nTerraform CLI: %s (%s)", d.cli, d.cliID)
	return nil
}

// ---- step 2 ----

func (d *demo) stepStart(ctx context.Context) error {
	d.con.printf(`The emulator (dev/emulator) serves Jelou's and JuriChat's APIs, with
credentials generated for this run and handed to the providers through
JELOU_API_KEY and JURICHAT_TOKEN. It also plays the vendors' part in
deliveries: asked to, it signs an event with the secret it generated and POSTs
it to the webhook's URL, exactly as Jelou and JuriChat do.

The receiver (dev/cmd/receiver) stands in for your system. It starts with no
secrets: Terraform gives them to it in step 3. It answers 200 to a delivery
whose signature it verifies, and 401 to any other.`)

	d.emuOpts = emulator.DefaultOptions()
	d.emuOpts.JelouAPIKey = randomToken()
	d.emuOpts.JelouClientID = randomToken()
	d.emuOpts.JelouClientSecret = randomToken()
	d.emuOpts.JurichatToken = randomToken()
	d.emuOpts.JurichatAPIKey = randomToken()
	d.adminToken = randomToken()
	d.panelToken = randomToken()
	d.secrets = append(d.secrets, d.emuOpts.JelouAPIKey, d.emuOpts.JelouClientID, d.emuOpts.JelouClientSecret,
		d.emuOpts.JurichatToken, d.emuOpts.JurichatAPIKey, d.adminToken, d.panelToken)

	// The emulator outlives an interrupt of the run: the cleanup still needs
	// it to destroy what apply created.
	emuCtx, cancel := context.WithCancel(context.Background())
	d.emuCancel = cancel
	emu, err := emulator.Start(emuCtx, "127.0.0.1:0", d.emuOpts)
	if err != nil {
		return fmt.Errorf("start the emulator: %w", err)
	}
	d.emu = emu
	d.con.printf("\nemulator listening on %s  (Jelou API at /jelou, JuriChat API at /jurichat)", emu.URL)

	env := append(tfrun.InheritedEnv(os.Environ()), "RECEIVER_ADMIN_TOKEN="+d.adminToken)
	rcv, err := startReceiver(ctx, d.receiverBin, env, d.opts.ReceiverMaxLifetime, d.con)
	if err != nil {
		return err
	}
	d.rcv = rcv
	if d.opts.onReceiver != nil {
		d.opts.onReceiver(rcv)
	}
	d.con.printf(`receiver started (process %d); it stops with the demo, and after %s at the latest`,
		rcv.cmd.Process.Pid, d.opts.ReceiverMaxLifetime)
	return nil
}

// ---- step 3 ----

type demoOutputs struct {
	JelouProjectID   string
	JurichatWebhooks map[string]struct {
		ID     string   `json:"id"`
		Events []string `json:"events"`
	}
}

func (d *demo) stepApply(ctx context.Context) error {
	d.con.printf(`examples/demo has two modules, the way teams split such code:
  modules/integrations  creates the Jelou integration and two JuriChat webhooks
                        pointing at the receiver. Jelou returns the signing_secret
                        only in its answer to the create call; JuriChat generates a
                        secret per webhook. Both leave the module as sensitive outputs.
  modules/receiver      takes them as sensitive variables and registers each one
                        with the receiver: a terraform_data runs "receiver configure"
                        with the secret in its environment, never on a command line.
Watch for "(sensitive value)" in the plan and for the provisioner output that
Terraform suppresses: the secrets are used, never shown.`)

	if err := copyTree(filepath.Join(d.root, "examples", "demo"), d.workDir); err != nil {
		return fmt.Errorf("copy examples/demo: %w", err)
	}
	tfvars := fmt.Sprintf(`jelou_base_url    = %s
jurichat_base_url = %s
receiver_url      = %s
receiver_command  = %s
`, strconv.Quote(d.emu.JelouURL()), strconv.Quote(d.emu.JurichatURL()), strconv.Quote(d.rcv.URL), strconv.Quote(d.receiverBin))
	if err := os.WriteFile(filepath.Join(d.workDir, "terraform.tfvars"), []byte(tfvars), 0o644); err != nil {
		return err
	}
	d.con.printf(`
Working copy: %s
terraform.tfvars (nothing secret):`, d.workDir)
	d.con.raw(indent(tfvars, "      "))
	d.con.printf(`The two secret variables, jelou_panel_token (the credential Jelou presents to
the receiver) and receiver_admin_token, come from TF_VAR_ environment variables.
`)

	// With dev_overrides, "init" would look the providers up in a registry;
	// "get" installs the local modules, which is all this configuration needs.
	if err := d.terraform(ctx, "get"); err != nil {
		return err
	}
	before := d.emu.RequestCounts()
	d.applyStarted = true
	if err := d.terraform(ctx, "apply", "-auto-approve", "-input=false"); err != nil {
		return err
	}
	d.apiCalls("API calls the providers made during apply", before)

	// Every secret of the run, for the final check that none was printed.
	for _, in := range d.emu.JelouIntegrations() {
		d.secrets = append(d.secrets, in.SigningSecret)
	}
	for _, h := range d.emu.JurichatWebhooks() {
		d.secrets = append(d.secrets, h.Secret)
	}
	if d.opts.onSecrets != nil {
		d.opts.onSecrets(slices.Clone(d.secrets))
	}
	if d.opts.inspect != nil {
		d.opts.inspect(d.emu)
	}

	raw, err := d.terraformCapture(ctx, "output", "-json")
	if err != nil {
		return err
	}
	return d.readOutputs(raw)
}

func (d *demo) readOutputs(raw []byte) error {
	var doc map[string]struct {
		Sensitive bool            `json:"sensitive"`
		Value     json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("%s output -json: unreadable answer: %w", d.name, err)
	}
	get := func(name string, into any) error {
		o, ok := doc[name]
		if !ok {
			return fmt.Errorf("examples/demo has no output %q", name)
		}
		if o.Sensitive {
			return fmt.Errorf("output %q is sensitive; the demo reads only non-sensitive outputs", name)
		}
		if err := json.Unmarshal(o.Value, into); err != nil {
			return fmt.Errorf("output %q: %w", name, err)
		}
		return nil
	}
	if err := get("jelou_project_id", &d.outputs.JelouProjectID); err != nil {
		return err
	}
	if err := get("jurichat_webhooks", &d.outputs.JurichatWebhooks); err != nil {
		return err
	}
	if d.outputs.JelouProjectID == "" || len(d.outputs.JurichatWebhooks) < 2 {
		return fmt.Errorf("examples/demo should create a Jelou integration and at least two JuriChat webhooks")
	}
	return nil
}

// ---- step 4 ----

type trigger struct {
	vendor, endpoint, event string
	tampered                bool
	path                    string // emulator control route

	receiverStatus int
	deliveryID     string
}

func (t *trigger) label() string { return t.vendor + "/" + t.endpoint }

func (d *demo) stepDeliver(ctx context.Context) error {
	d.con.printf(`The emulator now sends events as Jelou and JuriChat would, each signed with
the secret the vendor generated in step 3: a Jelou message, and every event
each JuriChat webhook subscribes to. Then one tampered delivery per vendor:
the body is changed after signing, as by an attacker or a broken proxy. The
receiver must verify the first kind and reject the second.
`)
	project := d.outputs.JelouProjectID
	jelouPath := "/_emulator/jelou/" + project + "/deliver"
	d.triggers = append(d.triggers, &trigger{vendor: "jelou", endpoint: jelouEndpoint, event: "message", path: jelouPath})
	names := slices.Sorted(maps.Keys(d.outputs.JurichatWebhooks))
	for _, name := range names {
		hook := d.outputs.JurichatWebhooks[name]
		for _, ev := range hook.Events {
			d.triggers = append(d.triggers, &trigger{vendor: "jurichat", endpoint: name, event: ev,
				path: "/_emulator/jurichat/webhooks/" + hook.ID + "/deliver?event=" + ev})
		}
	}
	d.triggers = append(d.triggers, &trigger{vendor: "jelou", endpoint: jelouEndpoint, event: "message", tampered: true,
		path: jelouPath + "?tamper=true"})
	first := d.outputs.JurichatWebhooks[names[0]]
	d.triggers = append(d.triggers, &trigger{vendor: "jurichat", endpoint: names[0], event: first.Events[0], tampered: true,
		path: "/_emulator/jurichat/webhooks/" + first.ID + "/deliver?event=" + first.Events[0] + "&tamper=true"})

	client := &http.Client{Timeout: 20 * time.Second}
	for _, t := range d.triggers {
		kind := "signed"
		if t.tampered {
			kind = "signed, then TAMPERED"
		}
		d.con.printf("> %-8s %-27s to /%s/%s (%s)", t.vendor, t.event, t.vendor, t.endpoint, kind)
		if err := d.fire(ctx, client, t); err != nil {
			return err
		}
		d.rcv.waitDelivery(3 * time.Second)
	}
	return nil
}

// fire asks the emulator to deliver, and records the receiver's answer.
func (d *demo) fire(ctx context.Context, client *http.Client, t *trigger) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.emu.URL+t.path, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("POST %s: %w", t.path, err)
	}
	defer resp.Body.Close()
	var doc struct {
		ReceiverStatus int    `json:"receiverStatus"`
		DeliveryID     string `json:"deliveryId"`
		Error          string `json:"error"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if json.Unmarshal(raw, &doc) != nil || doc.ReceiverStatus == 0 {
		msg := doc.Error
		if msg == "" {
			msg = strings.TrimSpace(string(raw))
		}
		return fmt.Errorf("the emulator could not deliver %s to %s: HTTP %d: %s", t.event, t.label(), resp.StatusCode, msg)
	}
	t.receiverStatus, t.deliveryID = doc.ReceiverStatus, doc.DeliveryID
	return nil
}

// receiverDeliveries asks the receiver, over HTTP, for the deliveries it has
// recorded.
func (d *demo) receiverDeliveries(ctx context.Context) ([]receiver.Delivery, error) {
	client, err := receiver.NewClient(d.rcv.URL)
	if err != nil {
		return nil, err
	}
	return client.Deliveries(ctx)
}

// ---- step 5 ----

type verdictCounts struct {
	genuine, verified, tampered, rejected int
}

func (d *demo) stepVerdicts(ctx context.Context) error {
	d.con.printf(`The receiver's record (GET %s/_receiver/deliveries), against what was sent:
`, d.rcv.URL)
	got, err := d.receiverDeliveries(ctx)
	if err != nil {
		return err
	}

	var problems []string
	tw := tabwriter.NewWriter(&consoleWriter{d.con}, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "    #\tendpoint\tevent\tsent\treceiver's verdict\tas expected?")
	for i, t := range d.triggers {
		sent := "genuine"
		if t.tampered {
			sent = "tampered"
			d.verdicts.tampered++
		} else {
			d.verdicts.genuine++
		}
		if i >= len(got) {
			fmt.Fprintf(tw, "    %d\t%s\t%s\t%s\t(never arrived)\tNO\n", i+1, t.label(), t.event, sent)
			problems = append(problems, fmt.Sprintf("delivery %d (%s %s) never reached the receiver", i+1, t.label(), t.event))
			continue
		}
		r := got[i]
		verdict := "verified"
		if !r.Verified {
			verdict = "REJECTED: " + r.Reason
		}
		ok := r.Vendor == t.vendor && r.Name == t.endpoint && r.Status == t.receiverStatus &&
			(t.deliveryID == "" || r.DeliveryID == t.deliveryID)
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("delivery %d: the receiver's record (%s/%s, HTTP %d) does not match what was sent (%s, HTTP %d)",
				i+1, r.Vendor, r.Name, r.Status, t.label(), t.receiverStatus))
		case t.tampered && r.Verified:
			ok = false
			problems = append(problems, fmt.Sprintf("delivery %d: a tampered %s delivery was VERIFIED", i+1, t.label()))
		case !t.tampered && !r.Verified:
			ok = false
			problems = append(problems, fmt.Sprintf("delivery %d: a genuine %s delivery was rejected: %s", i+1, t.label(), r.Reason))
		case t.tampered:
			d.verdicts.rejected++
		default:
			d.verdicts.verified++
		}
		expected := "yes"
		if !ok {
			expected = "NO"
		}
		fmt.Fprintf(tw, "    %d\t%s\t%s\t%s\t%s\t%s\n", r.Seq, t.label(), t.event, sent, verdict, expected)
	}
	_ = tw.Flush()
	if len(got) > len(d.triggers) {
		problems = append(problems, fmt.Sprintf("the receiver recorded %d deliveries, %d were sent", len(got), len(d.triggers)))
	}
	d.con.printf(`
Genuine deliveries verified: %d of %d.  Tampered deliveries rejected: %d of %d.`,
		d.verdicts.verified, d.verdicts.genuine, d.verdicts.rejected, d.verdicts.tampered)
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	d.con.printf(`Each signature was checked with the secret Terraform handed over in step 3.
A tampered body no longer matches its signature, so the receiver refused it
(HTTP 401); JuriChat records such a delivery as failed, and retries it.`)
	return nil
}

// consoleWriter adapts the console to io.Writer for whole-text writes.
type consoleWriter struct{ c *console }

func (w *consoleWriter) Write(p []byte) (int, error) { w.c.write(p); return len(p), nil }

// ---- step 6 ----

func (d *demo) stepRotate(ctx context.Context) error {
	d.con.printf(`examples/demo passes jelou_secret_generation to the integration's
rotate_when_changed. Changing it from "1" to "2" regenerates the Jelou signing
secret in place: the plan warns that the secret will be regenerated, the apply
calls Jelou's regenerate endpoint once (no delete, no create: same integration,
same id), and the receiver module, whose trigger hashes the secret, registers
the new secret in the same apply. Then a delivery signed with the new secret
must verify, and one signed with the old secret must be rejected.
`)
	project := d.outputs.JelouProjectID
	old, ok := d.emu.JelouIntegration(project)
	if !ok {
		return fmt.Errorf("the emulator holds no Jelou integration for project %s", project)
	}
	line := "jelou_secret_generation = \"2\"\n"
	f, err := os.OpenFile(filepath.Join(d.workDir, "terraform.tfvars"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(line)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	d.con.printf("Added to terraform.tfvars:")
	d.con.raw(indent(line, "      "))

	before := d.emu.RequestCounts()
	if err := d.terraform(ctx, "apply", "-auto-approve", "-input=false"); err != nil {
		return err
	}
	d.apiCalls("API calls the providers made during the rotation", before)

	now, ok := d.emu.JelouIntegration(project)
	switch {
	case !ok:
		return errors.New("after the rotation the emulator holds no Jelou integration")
	case now.ID != old.ID:
		return fmt.Errorf("the rotation replaced the integration (id %s, was %s): it must regenerate in place", now.ID, old.ID)
	case now.SigningSecret == old.SigningSecret:
		return errors.New("the rotation left the signing secret unchanged")
	}
	d.secrets = append(d.secrets, now.SigningSecret)
	if d.opts.onSecrets != nil {
		d.opts.onSecrets(slices.Clone(d.secrets))
	}
	counts := d.emu.RequestCounts()
	delta := func(k string) int { return counts[k] - before[k] }
	const jelouRoute = "/jelou/v1/external-support/{projectId}"
	if n, c, del := delta("POST "+jelouRoute+"/secret/regenerate"), delta("POST "+jelouRoute), delta("DELETE "+jelouRoute); n != 1 || c != 0 || del != 0 {
		return fmt.Errorf("the rotation sent %d regenerate(s), %d create(s) and %d delete(s) to Jelou; want exactly one regenerate", n, c, del)
	}

	// A delivery Jelou signs now, and one signed with the previous secret
	// (as a sender still holding it would): the receiver must accept the
	// first and reject the second.
	seen, err := d.receiverDeliveries(ctx)
	if err != nil {
		return err
	}
	d.con.printf("> %-8s %-27s to /jelou/%s (signed by the emulator with the new secret)", "jelou", "message", jelouEndpoint)
	genuine := &trigger{vendor: "jelou", endpoint: jelouEndpoint, event: "message", path: "/_emulator/jelou/" + project + "/deliver"}
	if err := d.fire(ctx, &http.Client{Timeout: 20 * time.Second}, genuine); err != nil {
		return err
	}
	d.rcv.waitDelivery(3 * time.Second)
	d.con.printf("> %-8s %-27s to /jelou/%s (signed with the OLD secret)", "jelou", "message", jelouEndpoint)
	status, err := d.sendSignedWith(ctx, old.SigningSecret, project)
	if err != nil {
		return err
	}
	d.rcv.waitDelivery(3 * time.Second)

	got, err := d.receiverDeliveries(ctx)
	if err != nil {
		return err
	}
	if len(got) != len(seen)+2 {
		return fmt.Errorf("the receiver recorded %d new deliveries, want 2", len(got)-len(seen))
	}
	withNew, withOld := got[len(seen)], got[len(seen)+1]
	if !withNew.Verified || withNew.Status != genuine.receiverStatus {
		return fmt.Errorf("the delivery signed with the new secret was not verified: %s", withNew.Reason)
	}
	if withOld.Verified || status != http.StatusUnauthorized {
		return fmt.Errorf("the delivery signed with the old secret was accepted (HTTP %d)", status)
	}
	d.con.printf(`
Same integration (id %s), new secret.
Signed with the new secret: verified.
Signed with the old secret: rejected (HTTP %d, %s).
The receiver holds only the secret Terraform handed it in this apply.`, now.ID, status, withOld.Reason)
	return nil
}

// sendSignedWith posts a Jelou message event to the receiver, signed with
// secret and carrying the credential Jelou presents, as a sender still
// holding an old secret would. It returns the receiver's status.
func (d *demo) sendSignedWith(ctx context.Context, secret, project string) (int, error) {
	body := []byte(`{"field":"messages","object":"message_event","event_type":"message","timestamp":` +
		strconv.FormatInt(time.Now().UnixMilli(), 10) + `,"project_id":` + strconv.Quote(project) +
		`,"value":{"id":"message-old-secret","type":"text","content":{"body":"signed with the previous secret"}}}`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.rcv.URL+"/jelou/"+jelouEndpoint, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+d.panelToken)
	req.Header.Set("X-Jelou-Signature", signature.Sign(secret, body))
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		return 0, fmt.Errorf("POST to the receiver: %w", err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// ---- step 7 ----

func (d *demo) stepPlan(ctx context.Context) error {
	d.con.printf(`Another plan must find nothing to do: the providers read every object back
without spurious differences, and the secrets stay in state, the regenerated
one included (Jelou cannot return a signing secret again). With
-detailed-exitcode the plan exits 0 only when there are no changes.
`)
	before := d.emu.RequestCounts()
	err := d.terraform(ctx, "plan", "-detailed-exitcode", "-input=false")
	var ee *tfrun.ExitError
	if errors.As(err, &ee) && ee.Code == 2 {
		return errors.New("the second plan wants changes (exit status 2): applying the same configuration twice must be a no-op")
	}
	if err != nil {
		return err
	}
	d.apiCalls("API calls the providers made to refresh", before)
	return nil
}

// ---- step 8 ----

func (d *demo) stepDestroy(ctx context.Context) error {
	d.con.printf(`terraform destroy deletes the integration and the webhooks; the emulator must
then hold none. After that the receiver and the emulator stop, and the
temporary directory is removed.
`)
	before := d.emu.RequestCounts()
	if err := d.terraform(ctx, "destroy", "-auto-approve", "-input=false"); err != nil {
		return err
	}
	d.destroyed = true
	d.apiCalls("API calls the providers made during destroy", before)

	integrations, webhooks, err := d.emulatorObjects(ctx)
	if err != nil {
		return err
	}
	if integrations+webhooks != 0 {
		return fmt.Errorf("after destroy the emulator still holds %d Jelou integration(s) and %d JuriChat webhook(s)", integrations, webhooks)
	}
	d.con.printf("GET %s/_emulator/state: no Jelou integration, no JuriChat webhook left.\n", d.emu.URL)

	d.con.printf("stopping the receiver")
	_ = d.rcv.Stop()
	d.con.printf("stopping the emulator")
	if err := d.stopEmulator(); err != nil {
		return fmt.Errorf("the emulator did not stop cleanly: %w", err)
	}
	return nil
}

// emulatorObjects counts what GET /_emulator/state holds (the document
// includes secrets: it is never printed).
func (d *demo) emulatorObjects(ctx context.Context) (integrations, webhooks int, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.emu.URL+"/_emulator/state", nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return 0, 0, fmt.Errorf("GET /_emulator/state: %w", err)
	}
	defer resp.Body.Close()
	var state struct {
		Jelou struct {
			Integrations []json.RawMessage `json:"integrations"`
		} `json:"jelou"`
		Jurichat struct {
			Webhooks []json.RawMessage `json:"webhooks"`
		} `json:"jurichat"`
	}
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("GET /_emulator/state: HTTP %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&state); err != nil {
		return 0, 0, fmt.Errorf("GET /_emulator/state: unreadable answer: %w", err)
	}
	return len(state.Jelou.Integrations), len(state.Jurichat.Webhooks), nil
}

func (d *demo) stopEmulator() error {
	if d.emu == nil {
		return nil
	}
	d.emuCancel()
	err := d.emu.Close()
	d.emu = nil
	return err
}

// ---- cleanup and summary ----

// cleanup stops everything the run started. After a failure it first
// destroys what apply may have created.
func (d *demo) cleanup(failed bool) error {
	var problems []string
	if failed && (d.emu != nil || d.rcv != nil || d.tmp != "") {
		d.con.heading("Cleaning up")
	}
	if d.applyStarted && !d.destroyed && d.emu != nil {
		d.con.printf("apply had started: destroying what it created")
		ctx, cancel := context.WithTimeout(d.opts.CleanupContext, 3*time.Minute)
		err := d.terraform(ctx, "destroy", "-auto-approve", "-input=false")
		cancel()
		if err != nil {
			problems = append(problems, "destroy: "+err.Error())
		} else {
			d.destroyed = true
		}
	}
	if d.rcv != nil && !d.rcv.Exited() {
		if failed {
			d.con.printf("stopping the receiver")
		}
		_ = d.rcv.Stop()
	}
	if d.emu != nil {
		if failed {
			d.con.printf("stopping the emulator")
		}
		if err := d.stopEmulator(); err != nil {
			problems = append(problems, "emulator: "+err.Error())
		}
	}
	if d.tmp != "" {
		if err := removeAll(d.tmp); err != nil {
			problems = append(problems, "remove "+d.tmp+": "+err.Error())
		} else if failed {
			d.con.printf("removed %s", d.tmp)
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// finish prints the summary (or the failure) and checks that no secret was
// printed.
func (d *demo) finish(err error) error {
	leaks, complete := d.con.leaked(d.secrets)
	if leaks > 0 && err == nil {
		err = &StepError{Title: "secret check", Err: fmt.Errorf("%d secret value(s) appeared in the output above", leaks)}
	}
	total := round(time.Since(d.start))
	if err != nil {
		d.con.heading("FAILED")
		d.con.printf("%v", err)
		if leaks > 0 {
			d.con.printf("WARNING: %d secret value(s) appeared in the output above.", leaks)
		}
		d.con.printf("Everything the demo started has been stopped (%s).", total)
		return err
	}
	d.con.heading("Summary")
	titles := d.steps()
	for i, t := range d.timings {
		d.con.printf("  ok  %d. %-50s %7s", i+1, titles[i].title, round(t))
	}
	check := fmt.Sprintf("No secret appeared in this output (%d secret values checked).", len(d.secrets))
	if !complete {
		check = "The output was too long to check completely for secrets."
	}
	d.con.printf(`
With %s and the providers built from this checkout, examples/demo
created a Jelou integration and %d JuriChat webhooks, and handed their secrets
from one module to another, which configured the receiver with them.
Genuine deliveries verified: %d of %d. Tampered deliveries rejected: %d of %d.
The second plan had no changes, and destroy left nothing behind.
%s
Nothing is left running and the temporary directory is gone.
Total: %s, from building the providers to the last check; the Terraform CLI was
ready before the demo started (finding or building it is not counted).

Next: README.md, "%s", to run a configuration of your own;
examples/demo/ holds this one.`,
		d.cliID, len(d.outputs.JurichatWebhooks), d.verdicts.verified, d.verdicts.genuine,
		d.verdicts.rejected, d.verdicts.tampered, check, total, nextHeading)
	return nil
}

// ---- Terraform ----

// terraformEnv is the environment of every Terraform command: the demo's CLI
// configuration, the emulator's credentials and the secret variables, and
// nothing of the user's Terraform settings.
func (d *demo) terraformEnv() []string {
	if d.emu == nil {
		return tfrun.Env(d.rcFile)
	}
	return tfrun.Env(d.rcFile,
		"JELOU_API_KEY="+d.emuOpts.JelouAPIKey,
		"JURICHAT_TOKEN="+d.emuOpts.JurichatToken,
		"TF_VAR_jelou_panel_token="+d.panelToken,
		"TF_VAR_receiver_admin_token="+d.adminToken,
	)
}

func (d *demo) terraformArgs(args []string) []string {
	if !d.opts.Color && len(args) > 0 && args[0] != "version" {
		args = append(args, "-no-color")
	}
	return args
}

// terraform runs a Terraform command in the working copy, its output shown.
func (d *demo) terraform(ctx context.Context, args ...string) error {
	d.con.printf("$ %s %s", d.name, strings.Join(args, " "))
	out := d.con.lines("    | ")
	defer out.Close()
	_, err := tfrun.Command{
		Name: d.name + " " + args[0], Path: d.cli, Args: d.terraformArgs(args),
		Dir: d.workDir, Env: d.terraformEnv(), Stdout: out, Stderr: out,
	}.Run(ctx)
	return err
}

// terraformCapture runs a Terraform command and returns its standard output,
// which is not shown. Its standard error is shown only if it fails.
func (d *demo) terraformCapture(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, d.cli, d.terraformArgs(args)...)
	cmd.Dir = d.workDir
	cmd.Env = d.terraformEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	tfrun.Detach(cmd)
	cmd.Cancel = func() error { return tfrun.Interrupt(cmd.Process) }
	cmd.WaitDelay = tfrun.StopGrace
	if err := cmd.Run(); err != nil {
		d.con.raw(indent(stderr.String(), "    | "))
		return nil, fmt.Errorf("%s %s: %w", d.name, strings.Join(args, " "), err)
	}
	return stdout.Bytes(), nil
}

// apiCalls prints the vendor-API requests the emulator received since before.
func (d *demo) apiCalls(title string, before map[string]int) {
	now := d.emu.RequestCounts()
	var lines []string
	for _, k := range slices.Sorted(maps.Keys(now)) {
		if n := now[k] - before[k]; n > 0 {
			lines = append(lines, fmt.Sprintf("  %-60s x%d", k, n))
		}
	}
	if len(lines) == 0 {
		return
	}
	d.con.printf("\n%s (as the emulator recorded them):\n%s", title, strings.Join(lines, "\n"))
}

// ---- helpers ----

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// removeAll removes dir, retrying briefly (a child that just exited may still
// hold files on some systems).
func removeAll(dir string) error {
	var err error
	for range 5 {
		if err = os.RemoveAll(dir); err == nil {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return err
}

func indent(text, prefix string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(strings.TrimRight(text, "\n"), "\n") {
		b.WriteString(prefix + line + "\n")
	}
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func round(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}
