package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

func TestProviderFromExecutable(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"terraform-provider-jelou":                          "jelou",
		"/x/y/terraform-provider-jelou_v1.2.3":              "jelou",
		"terraform-provider-jurichat_v0.1.0-rc.1.exe":       "jurichat",
		`C:\plugins\terraform-provider-jurichat_v0.1.0.exe`: "",
		"terraform-provider-externalsupport":                "externalsupport",
		"main":                                              "",
	} {
		// filepath.Base on Linux does not split Windows paths; that case documents it.
		if strings.Contains(in, `\`) {
			continue
		}
		if got := providerFromExecutable(in); got != want {
			t.Errorf("providerFromExecutable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRunUnknownProviderListsValidNames(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"/tmp/terraform-provider-externalsupport"}, &stdout, &stderr)
	if code == 0 {
		t.Fatalf("run with an unknown provider name exited 0")
	}
	for _, name := range providerNames() {
		if !strings.Contains(stderr.String(), name) {
			t.Errorf("message does not list valid name %q: %s", name, stderr.String())
		}
	}
	code = run(context.Background(), []string{"terraform-provider-jelou", "-provider", "nope"}, &stdout, &stderr)
	if code == 0 {
		t.Fatalf("run -provider nope exited 0")
	}
}

func TestRunVersion(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"terraform-provider-jelou", "-version"}, &stdout, &stderr); code != 0 {
		t.Fatalf("-version exited %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), version) {
		t.Errorf("-version printed %q, want it to contain %q", stdout.String(), version)
	}
}

func TestQuietSDKLogs(t *testing.T) {
	vars := []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_JELOU"}
	for _, c := range []struct {
		name string
		set  map[string]string
		want map[string]string
	}{
		{"no logging asked: the SDK logs are off", nil,
			map[string]string{"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off", "TF_LOG_PROVIDER_JELOU": "off"}},
		{"TF_LOG set: untouched", map[string]string{"TF_LOG": "TRACE"},
			map[string]string{"TF_LOG_SDK": "", "TF_LOG_PROVIDER_JELOU": ""}},
		{"TF_LOG_PROVIDER set: untouched", map[string]string{"TF_LOG_PROVIDER": "DEBUG"},
			map[string]string{"TF_LOG_SDK": "", "TF_LOG_PROVIDER_JELOU": ""}},
		{"an explicit level is kept", map[string]string{"TF_LOG_PROVIDER_JELOU": "DEBUG"},
			map[string]string{"TF_LOG_SDK": "off", "TF_LOG_PROVIDER_JELOU": "DEBUG"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, v := range vars {
				t.Setenv(v, c.set[v])
			}
			quietSDKLogs("jelou")
			for k, want := range c.want {
				if got := os.Getenv(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}
