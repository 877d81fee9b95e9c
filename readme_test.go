package main

import (
	"bufio"
	"os"
	"slices"
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

// TestReadmeQuickstartRunByCIInOrder: the "Try it locally" block is a
// sequence (each command depends on the one before), so .ci/run must hold its
// lines consecutively and in the README's order, not merely somewhere.
func TestReadmeQuickstartRunByCIInOrder(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	block := quickstartCommands(string(readme))
	if len(block) < 5 {
		t.Fatalf("the README's Try it locally section has %d commands in its first sh block: %q", len(block), block)
	}
	var lines []string
	for _, line := range strings.Split(string(ci), "\n") {
		lines = append(lines, strings.TrimSpace(line))
	}
	for i := range lines {
		if len(lines)-i >= len(block) && slices.Equal(lines[i:i+len(block)], block) {
			return
		}
	}
	t.Errorf(".ci/run does not run the README's Try it locally commands as one sequence, in order:\n%s", strings.Join(block, "\n"))
}

// quickstartCommands returns the lines of the first sh block after the
// "## Try it locally" heading, trimmed.
func quickstartCommands(readme string) []string {
	_, section, ok := strings.Cut(readme, "\n## Try it locally\n")
	if !ok {
		return nil
	}
	_, block, ok := strings.Cut(section, "```sh\n")
	if !ok {
		return nil
	}
	block, _, _ = strings.Cut(block, "```")
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		out = append(out, strings.TrimSpace(line))
	}
	return out
}
