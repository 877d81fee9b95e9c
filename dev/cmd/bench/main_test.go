package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-bogus"}, {"extra"}, {"-n", "10,x"}, {"-n", "0"}, {"-runs", "0"},
		{"-terraform", "/nonexistent", "-suites", "floor,bogus"},
		{"-terraform", "/nonexistent", "-env", "novalue"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 2 {
			t.Errorf("run(%q) = %d, want 2; %s", args, code, errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, &out, &errOut); code != 0 || !strings.Contains(errOut.String(), "-suites") {
		t.Errorf("run(-h) = %d; %s", code, errOut.String())
	}
}

// A CLI that does not run fails the bench before anything is measured, and
// nothing is written.
func TestBrokenCLI(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-terraform", "/nonexistent/terraform", "-o", "-"}, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "the CLI /nonexistent/terraform does not run") || out.Len() != 0 {
		t.Errorf("exit status %d\nstdout: %s\nstderr: %s", code, out.String(), errOut.String())
	}
}
