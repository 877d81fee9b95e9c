package demo

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
)

// maxRecorded bounds how much output the secret check keeps.
const maxRecorded = 16 << 20

// console serialises everything the demo prints (its own lines, Terraform's,
// the receiver's) line by line, and keeps a copy to check, at the end, that no
// secret was printed.
type console struct {
	mu       sync.Mutex
	w        io.Writer
	color    bool
	recorded bytes.Buffer
	overflow bool
}

func newConsole(w io.Writer, color bool) *console { return &console{w: w, color: color} }

// write prints b (whole lines) atomically.
func (c *console) write(b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, _ = c.w.Write(b)
	if c.recorded.Len()+len(b) <= maxRecorded {
		c.recorded.Write(b)
	} else {
		c.overflow = true
	}
}

// printf prints a formatted text; every line is indented by four spaces.
func (c *console) printf(format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	var b strings.Builder
	for line := range strings.SplitSeq(strings.TrimSuffix(text, "\n"), "\n") {
		if line != "" {
			b.WriteString("    ")
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	c.write([]byte(b.String()))
}

// raw prints text as is.
func (c *console) raw(text string) { c.write([]byte(text)) }

// heading prints a step header.
func (c *console) heading(text string) {
	if c.color {
		text = "\x1b[1m" + text + "\x1b[0m"
	}
	c.write([]byte("\n" + text + "\n"))
}

// leaked returns how many of secrets appear in everything printed so far.
// It never returns the secrets themselves.
func (c *console) leaked(secrets []string) (n int, complete bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	text := c.recorded.Bytes()
	for _, s := range secrets {
		if s != "" && bytes.Contains(text, []byte(s)) {
			n++
		}
	}
	return n, !c.overflow
}

// lineWriter is an io.Writer that prints whole lines to a console, each with
// a prefix. Close prints a last unterminated line.
type lineWriter struct {
	c      *console
	prefix string
	mu     sync.Mutex
	buf    []byte
	onLine func(line string) // optional, called after each line is printed
}

func (c *console) lines(prefix string) *lineWriter { return &lineWriter{c: c, prefix: prefix} }

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.emit(string(bytes.TrimRight(l.buf[:i], "\r")))
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}

func (l *lineWriter) emit(line string) {
	out := l.prefix + line
	if line == "" {
		out = strings.TrimRight(l.prefix, " ")
	}
	l.c.write([]byte(out + "\n"))
	if l.onLine != nil {
		l.onLine(line)
	}
}

// Close flushes a last line without a newline.
func (l *lineWriter) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.emit(string(l.buf))
		l.buf = nil
	}
	return nil
}
