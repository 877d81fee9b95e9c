package acctest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
)

// FailOnly returns a PreConfig that makes every request to route (an
// emulator route name) meet fault until the next FailOnly or
// ClearScripts, and no other route fail: the faults scripted before are
// dropped. The emulator counts the requests that met it
// (ScriptedCounts).
func FailOnly(emu *emulator.Emulator, route string, fault emulator.Fault) func() {
	return func() {
		emu.ClearScripts()
		emu.MustScript(route, fault, emulator.Forever)
	}
}

// The broken answers below are Go-only custom faults of the emulator
// (emulator.Custom): answers it never sends on its own.

// Reply answers with a fixed status, content type and body, plus header
// pairs ("Retry-After", "0"), without acting.
func Reply(status int, contentType, body string, header ...string) emulator.Fault {
	return emulator.Custom(fmt.Sprintf("reply-%d", status), func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	})
}

// HugeBody answers 200 with a JSON body larger than the clients' 10 MiB
// limit: prefix, 11 MiB of "a", then suffix (prefix opens a string member
// that suffix closes), without acting.
func HugeBody(prefix, suffix string) emulator.Fault {
	return emulator.Custom("huge-body", func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(prefix))
		chunk := bytes.Repeat([]byte("a"), 1<<20)
		for range 11 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = w.Write([]byte(suffix))
	})
}

// WithoutFields lets the request through and removes the given members from
// the object in the answer: from its "data" member when that is an object
// (an envelope), else from the object itself.
func WithoutFields(fields ...string) emulator.Fault {
	return emulator.Custom("without-"+strings.Join(fields, "-"), func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var top map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &top); err != nil {
			http.Error(w, "the test's fault could not decode the emulator's answer", http.StatusTeapot)
			return
		}
		obj := top
		if data, ok := top["data"].(map[string]any); ok {
			obj = data
		}
		for _, f := range fields {
			delete(obj, f)
		}
		body, _ := json.Marshal(top)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

// Pages a server may answer with instead of an API answer: a sign-in page
// (a proxy or portal in front of the API) and a gateway's error page.
const (
	HTMLLoginPage = `<!DOCTYPE html>
<html><head><title>Sign in</title></head>
<body><form action="/login" method="post"><input name="user"><input name="password" type="password"></form></body></html>`
	HTMLErrorPage = `<html>
<head><title>500 Internal Server Error</title></head>
<body><center><h1>500 Internal Server Error</h1></center><hr><center>nginx</center></body>
</html>`
)

// BrokenResponse is one way an answer can be broken, the operations it is
// tried on, and the problem the diagnostic must name (an ErrorPattern
// fragment, after the operation's summary). ProblemFor overrides it per
// operation.
type BrokenResponse struct {
	Respond    emulator.Fault
	Ops        []string
	Problem    string
	ProblemFor map[string]string
}

// Pattern is the ErrorPattern of op failing on b: op's summary (from
// opSummary), then the problem.
func (b BrokenResponse) Pattern(opSummary map[string]string, op string) string {
	p := b.Problem
	if o, ok := b.ProblemFor[op]; ok {
		p = o
	}
	return regexp.QuoteMeta(opSummary[op]) + ".*" + p
}

// Has reports whether b is tried on op.
func (b BrokenResponse) Has(op string) bool { return slices.Contains(b.Ops, op) }
