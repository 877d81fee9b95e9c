package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"-bogus"}, {"extra"}} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 2 {
			t.Errorf("run(%q) = %d, want 2; %s", args, code, errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"-h"}, &out, &errOut); code != 0 || !strings.Contains(errOut.String(), "-terraform") {
		t.Errorf("run(-h) = %d; %s", code, errOut.String())
	}
}

// A CLI that does not run fails step 1, naming it, with exit status 1.
func TestBrokenCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the providers; skipped with -short")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the fake CLI is a shell script")
	}
	cli := filepath.Join(t.TempDir(), "terraform")
	if err := os.WriteFile(cli, []byte("#!/bin/sh\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run([]string{"-terraform", cli}, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit status %d, want 1\n%s\n%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(errOut.String(), "step 1/8 (build the providers and point Terraform at them) failed: the CLI") {
		t.Errorf("stderr = %q", errOut.String())
	}
}

func TestColorTerminal(t *testing.T) {
	if colorTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is not a terminal")
	}
}
