package tfrun

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestInheritedEnv(t *testing.T) {
	in := []string{
		"PATH=/bin", "HOME=/home/u", "GOFLAGS=-mod=mod",
		"TF_CLI_CONFIG_FILE=/home/u/.terraformrc", "TF_LOG=trace", "TF_VAR_x=1", "TF_CLI_ARGS_apply=-parallelism=1",
		"TOFU_CLI_CONFIG_FILE=x", "JELOU_API_KEY=real", "JURICHAT_TOKEN=real", "RECEIVER_SECRET=s",
		"TERRAFORM_CONFIG=x", "CHECKPOINT_DISABLE=", "tf_log=lower",
	}
	got := strings.Join(InheritedEnv(in), " ")
	if got != "PATH=/bin HOME=/home/u GOFLAGS=-mod=mod" {
		t.Errorf("InheritedEnv = %q", got)
	}
}

func TestEnv(t *testing.T) {
	t.Setenv("TF_LOG", "trace")
	t.Setenv("JELOU_API_KEY", "real")
	env := strings.Join(Env("/tmp/rc", "JELOU_API_KEY=emulated"), "\n") + "\n"
	for _, want := range []string{"TF_CLI_CONFIG_FILE=/tmp/rc\n", "CHECKPOINT_DISABLE=1\n", "TF_IN_AUTOMATION=1\n", "TF_INPUT=0\n", "JELOU_API_KEY=emulated\n"} {
		if !strings.Contains(env, want) {
			t.Errorf("Env lacks %q", want)
		}
	}
	if strings.Contains(env, "TF_LOG") || strings.Contains(env, "JELOU_API_KEY=real") {
		t.Errorf("Env kept the user's settings:\n%s", env)
	}
}

func TestWriteCLIConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "rc")
	text, err := WriteCLIConfig(file, "/p/providers", "Written by a test.")
	if err != nil {
		t.Fatal(err)
	}
	want := `# Written by a test.
provider_installation {
  dev_overrides {
    "externalsupport/jelou"    = "/p/providers"
    "externalsupport/jurichat" = "/p/providers"
  }
  direct {}
}
`
	if text != want {
		t.Errorf("config =\n%s\nwant\n%s", text, want)
	}
	if data, _ := os.ReadFile(file); string(data) != want {
		t.Errorf("file holds\n%s", data)
	}
	text, err = WriteCLIConfig(file, "/p", "x", "noop")
	if err != nil || !strings.Contains(text, `    "externalsupport/jurichat" = "/p"
    "externalsupport/noop"     = "/p"
  }`) {
		t.Errorf("with an extra provider (%v):\n%s", err, text)
	}
}

func TestBuildArgs(t *testing.T) {
	b := Build{Root: "/r", OutDir: "/o", ProvidersDir: "/p", Extra: []string{"./dev/cmd/receiver"}}
	sep := string(os.PathSeparator)
	if got, want := strings.Join(b.Args(), " "), "build -trimpath -o /o"+sep+" . ./dev/cmd/receiver"; got != want {
		t.Errorf("Args = %q, want %q", got, want)
	}
	if got := b.ProviderPath("jurichat"); got != filepath.Join("/p", Executable("terraform-provider-jurichat")) {
		t.Errorf("ProviderPath = %q", got)
	}
}

func TestCommand(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses sh")
	}
	var pid int
	state, err := Command{Name: "sh", Path: "/bin/sh", Args: []string{"-c", "exit 3"}, Started: func(p *os.Process) { pid = p.Pid }}.Run(context.Background())
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 3 || err.Error() != "sh exited with status 3" {
		t.Errorf("err = %v", err)
	}
	if state == nil || state.Pid() != pid || pid == 0 {
		t.Errorf("state = %v, started pid %d", state, pid)
	}
	if _, err := (Command{Name: "missing", Path: filepath.Join(t.TempDir(), "nothing")}).Run(context.Background()); err == nil {
		t.Error("a missing executable ran")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (Command{Name: "sleep", Path: "/bin/sh", Args: []string{"-c", "sleep 5"}}).Run(ctx); err == nil {
		t.Error("a cancelled command succeeded")
	}
}
