package acctest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelou"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
)

// Environment variables that switch the acceptance tests from the emulator
// to the real services.
const (
	EnvJelouTestProjectID = "JELOU_TEST_PROJECT_ID"
)

// StartEmulator starts the API emulator on a free loopback port for one test
// and stops it when the test ends.
func StartEmulator(t *testing.T, configure ...func(*emulator.Options)) *emulator.Server {
	t.Helper()
	opts := emulator.DefaultOptions()
	for _, f := range configure {
		f(&opts)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := emulator.Start(ctx, "127.0.0.1:0", opts)
	if err != nil {
		cancel()
		t.Fatalf("starting the emulator: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = srv.Close()
	})
	return srv
}

// Run runs an acceptance test case: in parallel against the emulator, one at
// a time against a real service (whose test objects are shared).
func Run(t *testing.T, realAPI bool, tc resource.TestCase) {
	t.Helper()
	if realAPI {
		resource.Test(t, tc)
		return
	}
	resource.ParallelTest(t, tc)
}

// Requirements returns the terraform block declaring the given providers as
// users declare them (source "externalsupport/<name>"), which provider-defined
// functions need.
func Requirements(names ...string) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n")
	for _, n := range names {
		fmt.Fprintf(&b, "    %s = {\n      source = \"externalsupport/%s\"\n    }\n", n, n)
	}
	b.WriteString("  }\n}\n\n")
	return b.String()
}

// ErrorPattern compiles an ExpectError pattern in which every space matches
// any run of white space, since the CLI wraps long diagnostic lines.
func ErrorPattern(pattern string) *regexp.Regexp {
	return regexp.MustCompile("(?s)" + strings.ReplaceAll(pattern, " ", `\s+`))
}

// RandomName returns prefix followed by random hex, for ids and names that
// must not collide between tests.
func RandomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Jelou is where a Jelou acceptance test runs: the emulator by default, the
// real API when JELOU_API_KEY (or JELOU_CLIENT_ID and JELOU_CLIENT_SECRET)
// and JELOU_TEST_PROJECT_ID are set.
type Jelou struct {
	// Emulator is nil against the real API.
	Emulator *emulator.Server
	// ProviderConfig is the provider block for the test configuration.
	ProviderConfig string
	// Client talks to the same API with the same credentials, for checks and
	// out-of-band changes.
	Client        *jelou.Client
	realProjectID string
}

// NewJelou picks the target for a Jelou acceptance test. The options adjust
// the emulator and are ignored against the real API.
func NewJelou(t *testing.T, configure ...func(*emulator.Options)) *Jelou {
	t.Helper()
	PreCheck(t)
	projectID := os.Getenv(EnvJelouTestProjectID)
	realCreds := os.Getenv("JELOU_API_KEY") != "" || (os.Getenv("JELOU_CLIENT_ID") != "" && os.Getenv("JELOU_CLIENT_SECRET") != "")
	if projectID != "" && realCreds {
		baseURL := os.Getenv("JELOU_BASE_URL")
		if baseURL == "" {
			baseURL = "https://gateway.jelou.ai/platform"
		}
		client, err := jelou.NewClient(jelou.Config{
			BaseURL: baseURL, APIKey: os.Getenv("JELOU_API_KEY"),
			ClientID: os.Getenv("JELOU_CLIENT_ID"), ClientSecret: os.Getenv("JELOU_CLIENT_SECRET"),
			UserAgent: "terraform-provider-jelou-acctest",
		})
		if err != nil {
			t.Fatalf("configuring the Jelou client from the environment: %v", err)
		}
		return &Jelou{ProviderConfig: Requirements("jelou") + "provider \"jelou\" {}\n", Client: client, realProjectID: projectID}
	}

	srv := StartEmulator(t, configure...)
	opts := emulator.DefaultOptions()
	client, err := jelou.NewClient(jelou.Config{BaseURL: srv.JelouURL(), APIKey: opts.JelouAPIKey, UserAgent: "terraform-provider-jelou-acctest"})
	if err != nil {
		t.Fatalf("configuring the Jelou client for the emulator: %v", err)
	}
	return &Jelou{
		Emulator: srv,
		ProviderConfig: Requirements("jelou") + fmt.Sprintf("provider \"jelou\" {\n  base_url = %q\n  api_key  = %q\n}\n",
			srv.JelouURL(), opts.JelouAPIKey),
		Client: client,
	}
}

// Real reports whether the test runs against the real Jelou API.
func (j *Jelou) Real() bool { return j.Emulator == nil }

// ProjectID returns the project a test may use: a fresh one on the emulator,
// JELOU_TEST_PROJECT_ID against the real API.
func (j *Jelou) ProjectID() string {
	if j.Real() {
		return j.realProjectID
	}
	return RandomName("proj-")
}

// SkipOnReal skips a test that needs the emulator (for example one that
// needs several projects or inspects what the server received).
func (j *Jelou) SkipOnReal(t *testing.T, why string) {
	t.Helper()
	if j.Real() {
		t.Skipf("needs the emulator: %s", why)
	}
}

// JuriChat is where a JuriChat acceptance test runs: the emulator by default,
// the real API when JURICHAT_TOKEN or JURICHAT_API_KEY is set.
type JuriChat struct {
	Emulator       *emulator.Server
	ProviderConfig string
	Client         *jurichat.Client
}

// NewJuriChat picks the target for a JuriChat acceptance test. The options
// adjust the emulator and are ignored against the real API.
func NewJuriChat(t *testing.T, configure ...func(*emulator.Options)) *JuriChat {
	t.Helper()
	PreCheck(t)
	if os.Getenv("JURICHAT_TOKEN") != "" || os.Getenv("JURICHAT_API_KEY") != "" {
		baseURL := os.Getenv("JURICHAT_BASE_URL")
		if baseURL == "" {
			baseURL = "https://api.jurichat.com"
		}
		client, err := jurichat.NewClient(jurichat.Config{
			BaseURL: baseURL, Token: os.Getenv("JURICHAT_TOKEN"), APIKey: os.Getenv("JURICHAT_API_KEY"),
			UserAgent: "terraform-provider-jurichat-acctest",
		})
		if err != nil {
			t.Fatalf("configuring the JuriChat client from the environment: %v", err)
		}
		return &JuriChat{ProviderConfig: Requirements("jurichat") + "provider \"jurichat\" {}\n", Client: client}
	}

	srv := StartEmulator(t, configure...)
	opts := emulator.DefaultOptions()
	client, err := jurichat.NewClient(jurichat.Config{BaseURL: srv.JurichatURL(), Token: opts.JurichatToken, UserAgent: "terraform-provider-jurichat-acctest"})
	if err != nil {
		t.Fatalf("configuring the JuriChat client for the emulator: %v", err)
	}
	return &JuriChat{
		Emulator: srv,
		ProviderConfig: Requirements("jurichat") + fmt.Sprintf("provider \"jurichat\" {\n  base_url = %q\n  token    = %q\n}\n",
			srv.JurichatURL(), opts.JurichatToken),
		Client: client,
	}
}

// Real reports whether the test runs against the real JuriChat API.
func (j *JuriChat) Real() bool { return j.Emulator == nil }

// SkipOnReal skips a test that needs the emulator.
func (j *JuriChat) SkipOnReal(t *testing.T, why string) {
	t.Helper()
	if j.Real() {
		t.Skipf("needs the emulator: %s", why)
	}
}
