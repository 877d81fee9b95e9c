package main

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestReadmeCommandsAreRunByCI keeps the README honest: every command in its
// sh code blocks must also be run, verbatim, by .ci/run, so that none of them
// rots. export lines (setup for the next command) and comments are skipped.
func TestReadmeCommandsAreRunByCI(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	ciLines := strings.Split(string(ci), "\n")

	commands := readmeShellCommands(string(readme))
	if len(commands) < 5 {
		t.Fatalf("found only %d commands in the README's sh blocks: %q", len(commands), commands)
	}
	for _, cmd := range commands {
		if !runsCommand(ciLines, cmd) {
			t.Errorf("README command %q is not run by .ci/run: add it there, verbatim", cmd)
		}
	}
}

// runsCommand reports whether a script line runs cmd verbatim: the line is the
// command, or holds it followed by a space, a redirection or the line's end.
func runsCommand(lines []string, cmd string) bool {
	for _, line := range lines {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") {
			continue
		}
		for rest := line; ; {
			i := strings.Index(rest, cmd)
			if i < 0 {
				break
			}
			after := rest[i+len(cmd):]
			if after == "" || strings.ContainsAny(after[:1], " >;&|)") {
				return true
			}
			rest = after
		}
	}
	return false
}

func readmeShellCommands(readme string) []string {
	var out []string
	inSh := false
	sc := bufio.NewScanner(strings.NewReader(readme))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "```sh"):
			inSh = true
			continue
		case strings.HasPrefix(line, "```"):
			inSh = false
			continue
		case !inSh:
			continue
		}
		cmd, _, _ := strings.Cut(line, "#")
		cmd = strings.TrimSpace(cmd)
		if cmd == "" || strings.HasPrefix(cmd, "export ") {
			continue
		}
		out = append(out, cmd)
	}
	return out
}
