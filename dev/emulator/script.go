package emulator

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Route names: one stable name per route of both vendor APIs, the names
// scripted faults (Script, POST /_emulator/script) and the per-route counts
// (RouteCounts, ScriptedCounts, "routes" and "scripted" in /_emulator/state)
// use. RouteTable lists them with their method and path.
const (
	RouteJelouCreate     = "jelou.integration.create"
	RouteJelouGet        = "jelou.integration.get"
	RouteJelouUpdate     = "jelou.integration.update"
	RouteJelouDelete     = "jelou.integration.delete"
	RouteJelouRegenerate = "jelou.secret.regenerate"

	RouteJurichatCreate     = "jurichat.webhook.create"
	RouteJurichatList       = "jurichat.webhook.list"
	RouteJurichatEvents     = "jurichat.events.list"
	RouteJurichatGet        = "jurichat.webhook.get"
	RouteJurichatUpdate     = "jurichat.webhook.update"
	RouteJurichatDelete     = "jurichat.webhook.delete"
	RouteJurichatDeliveries = "jurichat.delivery.list"
	RouteJurichatDelivery   = "jurichat.delivery.get"
	RouteJurichatRetry      = "jurichat.delivery.retry"
)

// Route is one route of a vendor API: its name, method and path.
type Route struct {
	Name   string `json:"name"`
	Method string `json:"method"`
	Path   string `json:"path"`
}

// routeDef is a Route and what serves it.
type routeDef struct {
	Route
	vendor string // "jelou" | "jurichat"
	serve  func(e *Emulator, w http.ResponseWriter, r *http.Request)
	alias  string // a second path served the same way (JuriChat's trailing slash)
}

// routeDefs is the one list of the vendor routes: routes registers them,
// RouteTable and the documentation list them.
var routeDefs = []routeDef{
	{Route{RouteJelouCreate, http.MethodPost, "/jelou/v1/external-support/{projectId}"}, "jelou", (*Emulator).jelouCreate, ""},
	{Route{RouteJelouGet, http.MethodGet, "/jelou/v1/external-support/{projectId}"}, "jelou", (*Emulator).jelouGet, ""},
	{Route{RouteJelouUpdate, http.MethodPatch, "/jelou/v1/external-support/{projectId}"}, "jelou", (*Emulator).jelouUpdate, ""},
	{Route{RouteJelouDelete, http.MethodDelete, "/jelou/v1/external-support/{projectId}"}, "jelou", (*Emulator).jelouDelete, ""},
	{Route{RouteJelouRegenerate, http.MethodPost, "/jelou/v1/external-support/{projectId}/secret/regenerate"}, "jelou", (*Emulator).jelouRegenerate, ""},

	{Route{RouteJurichatCreate, http.MethodPost, "/jurichat/webhooks"}, "jurichat", (*Emulator).jurichatCreate, "/jurichat/webhooks/{$}"},
	{Route{RouteJurichatList, http.MethodGet, "/jurichat/webhooks"}, "jurichat", (*Emulator).jurichatList, "/jurichat/webhooks/{$}"},
	{Route{RouteJurichatEvents, http.MethodGet, "/jurichat/webhooks/events"}, "jurichat", func(_ *Emulator, w http.ResponseWriter, r *http.Request) { jurichatEvents(w, r) }, ""},
	{Route{RouteJurichatGet, http.MethodGet, "/jurichat/webhooks/{webhookId}"}, "jurichat", (*Emulator).jurichatGet, ""},
	{Route{RouteJurichatUpdate, http.MethodPatch, "/jurichat/webhooks/{webhookId}"}, "jurichat", (*Emulator).jurichatUpdate, ""},
	{Route{RouteJurichatDelete, http.MethodDelete, "/jurichat/webhooks/{webhookId}"}, "jurichat", (*Emulator).jurichatDelete, ""},
	{Route{RouteJurichatDeliveries, http.MethodGet, "/jurichat/webhooks/{webhookId}/deliveries"}, "jurichat", (*Emulator).jurichatDeliveries, ""},
	{Route{RouteJurichatDelivery, http.MethodGet, "/jurichat/webhooks/{webhookId}/deliveries/{deliveryId}"}, "jurichat", (*Emulator).jurichatDelivery, ""},
	{Route{RouteJurichatRetry, http.MethodPost, "/jurichat/webhooks/deliveries/{deliveryId}/retry"}, "jurichat", (*Emulator).jurichatRetry, ""},
}

// RouteTable returns every vendor route, Jelou's first, in a fixed order.
func RouteTable() []Route {
	out := make([]Route, len(routeDefs))
	for i, d := range routeDefs {
		out[i] = d.Route
	}
	return out
}

func knownRoute(name string) bool {
	return slices.ContainsFunc(routeDefs, func(d routeDef) bool { return d.Name == name })
}

// FaultSlow is the fault kind that serves the request only after a delay
// (DefaultSlowDelay unless given, e.g. "slow:1500ms"), unless the client gives
// up first: then nothing is acted on. Scripted faults only; the random mode's
// equivalent is Options.Latency.
const FaultSlow = "slow"

// DefaultSlowDelay is the delay of a FaultSlow given without one.
const DefaultSlowDelay = 3 * time.Second

// Responder writes the answer of a Go-only custom fault (see Custom); next
// serves the request as the emulator would (authentication, then the
// route), for responders that act and then spoil or drop the answer.
type Responder func(w http.ResponseWriter, r *http.Request, next http.Handler)

// Fault is what a request meets instead of (or on its way to) its answer:
// one of the kinds the random mode draws (an HTTP status, FaultReset,
// FaultCommitReset), FaultSlow, or a Go-only custom Responder.
type Fault struct {
	kind    string
	delay   time.Duration // FaultSlow
	respond Responder     // custom
}

// ParseFault parses a fault of the scripted mode: an HTTP status from 400
// to 599 ("503"), "reset", "commit-reset", "slow" or "slow:DURATION".
func ParseFault(s string) (Fault, error) {
	s = strings.TrimSpace(s)
	if d, ok := strings.CutPrefix(s, FaultSlow+":"); ok {
		delay, err := time.ParseDuration(d)
		if err != nil || delay <= 0 {
			return Fault{}, fmt.Errorf("fault %q: want slow:DURATION with a positive duration, e.g. slow:3s", s)
		}
		return Fault{kind: FaultSlow, delay: delay}, nil
	}
	if s == FaultSlow {
		return Fault{kind: FaultSlow, delay: DefaultSlowDelay}, nil
	}
	if err := checkFaultKind(s); err != nil {
		return Fault{}, fmt.Errorf("%w, %s or %s:DURATION", err, FaultSlow, FaultSlow)
	}
	return Fault{kind: s}, nil
}

// MustFault is ParseFault for faults written in Go code; it panics on an
// invalid one.
func MustFault(s string) Fault {
	f, err := ParseFault(s)
	if err != nil {
		panic("emulator: " + err.Error())
	}
	return f
}

// Status is the fault that answers with an HTTP status (400-599) in the
// vendor's error format, before acting; a 429 carries Retry-After: 1.
func Status(code int) Fault { return MustFault(strconv.Itoa(code)) }

// Slow is the fault that serves the request after d, unless the client gives up first.
func Slow(d time.Duration) Fault { return Fault{kind: FaultSlow, delay: d} }

// The faults that drop the connection (see FaultReset, FaultCommitReset).
var (
	Reset       = Fault{kind: FaultReset}
	CommitReset = Fault{kind: FaultCommitReset}
)

// Custom is a Go-only fault: respond writes the answer. It is for answers
// the emulator never sends on its own (a malformed body, an HTML page, an
// answer with fields removed, an action whose answer is held); name is how
// it shows in /_emulator/script.
func Custom(name string, respond Responder) Fault {
	return Fault{kind: "custom:" + name, respond: respond}
}

// String returns the fault in the syntax of ParseFault ("custom:NAME" for a
// custom fault).
func (f Fault) String() string {
	if f.kind == FaultSlow && f.delay != DefaultSlowDelay {
		return FaultSlow + ":" + f.delay.String()
	}
	return f.kind
}

// serveFault makes the request meet f: the one implementation of every fault
// kind, for the random and the scripted mode. next is the rest of the chain
// (authentication, then the route).
func serveFault(v vendor, f Fault, w http.ResponseWriter, r *http.Request, next http.Handler) {
	switch {
	case f.respond != nil:
		f.respond(w, r, next)
	case f.kind == FaultReset:
		DropConnection(w)
	case f.kind == FaultCommitReset:
		next.ServeHTTP(discardResponse{header: http.Header{}}, r)
		DropConnection(w)
	case f.kind == FaultSlow:
		t := time.NewTimer(f.delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return // the client has gone: act on nothing
		}
		next.ServeHTTP(w, r)
	default:
		status, _ := strconv.Atoi(f.kind) // validated by checkFaultKind
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		v.fail(w, status, fmt.Sprintf("%s (fault injected by the emulator)", cmp.Or(http.StatusText(status), "Error")))
	}
}

// Forever, as the count of Script, makes every request to the route meet
// the fault until Unscript or ClearScripts.
const Forever = -1

type scriptEntry struct {
	fault     Fault
	remaining int // Forever: until cleared
}

// Script makes the next n requests to route meet fault (n = Forever: every
// request until Unscript). Scripts of one route queue up: a second Script
// starts when the first is spent. A scripted fault takes the place of the
// random mode's draw for that request. Requests are counted per route
// whether or not they meet a fault (RouteCounts); the ones that met a
// scripted fault also in ScriptedCounts.
func (e *Emulator) Script(route string, fault Fault, n int) error {
	if !knownRoute(route) {
		return fmt.Errorf("unknown route %q; routes: %s", route, strings.Join(routeNames(), ", "))
	}
	if n < 1 && n != Forever {
		return fmt.Errorf("count %d: want a number of requests, at least 1, or %d for every request until cleared", n, Forever)
	}
	if fault.kind == "" {
		return errors.New("no fault given")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.scripts[route] = append(e.scripts[route], &scriptEntry{fault: fault, remaining: n})
	return nil
}

// MustScript is Script for tests: it panics on an unknown route or count.
func (e *Emulator) MustScript(route string, fault Fault, n int) {
	if err := e.Script(route, fault, n); err != nil {
		panic("emulator: " + err.Error())
	}
}

// Unscript drops the faults scripted for route.
func (e *Emulator) Unscript(route string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.scripts, route)
}

// ClearScripts drops every scripted fault: requests are served normally
// again (the random mode, if configured, still applies).
func (e *Emulator) ClearScripts() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.scripts = map[string][]*scriptEntry{}
}

// takeScriptedLocked pops the scripted fault of the next request to route.
// e.mu must be held.
func (e *Emulator) takeScriptedLocked(route string) (Fault, bool) {
	q := e.scripts[route]
	if len(q) == 0 {
		return Fault{}, false
	}
	head := q[0]
	if head.remaining != Forever {
		head.remaining--
		if head.remaining == 0 {
			q = q[1:]
			if len(q) == 0 {
				delete(e.scripts, route)
			} else {
				e.scripts[route] = q
			}
		}
	}
	e.scriptedCounts[route]++
	return head.fault, true
}

// RouteCounts returns route name -> number of requests received, faulted
// ones included (the names of RouteTable).
func (e *Emulator) RouteCounts() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(e.routeCounts)
}

// ScriptedCounts returns route name -> number of requests that met a
// scripted fault.
func (e *Emulator) ScriptedCounts() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(e.scriptedCounts)
}

func routeNames() []string {
	out := make([]string, len(routeDefs))
	for i, d := range routeDefs {
		out[i] = d.Name
	}
	return out
}

// ScriptEntry is one scripted fault: the next Times requests to Route meet
// Fault (Times = Forever: every request until cleared).
type ScriptEntry struct {
	Route string
	Fault Fault
	Times int
}

// ParseScript parses the -script syntax: ROUTE=FAULT, ROUTE=FAULT*N or
// ROUTE=FAULT*forever, e.g. "jelou.integration.create=503*2". FAULT is a
// ParseFault fault; N is at least 1 (default 1).
func ParseScript(s string) (ScriptEntry, error) {
	route, rest, ok := strings.Cut(strings.TrimSpace(s), "=")
	if !ok || route == "" || rest == "" {
		return ScriptEntry{}, fmt.Errorf("script %q: want ROUTE=FAULT[*N], e.g. %s=503*2", s, RouteJelouCreate)
	}
	if !knownRoute(route) {
		return ScriptEntry{}, fmt.Errorf("script %q: unknown route %q; routes: %s", s, route, strings.Join(routeNames(), ", "))
	}
	fault, times, hasTimes := strings.Cut(rest, "*")
	n := 1
	if hasTimes {
		if times == "forever" {
			n = Forever
		} else if v, err := strconv.Atoi(times); err == nil && v >= 1 {
			n = v
		} else {
			return ScriptEntry{}, fmt.Errorf("script %q: count %q: want a number of requests, at least 1, or forever", s, times)
		}
	}
	f, err := ParseFault(fault)
	if err != nil {
		return ScriptEntry{}, fmt.Errorf("script %q: %w", s, err)
	}
	return ScriptEntry{Route: route, Fault: f, Times: n}, nil
}

// String returns the entry in the ParseScript syntax.
func (s ScriptEntry) String() string {
	switch s.Times {
	case 1:
		return s.Route + "=" + s.Fault.String()
	case Forever:
		return s.Route + "=" + s.Fault.String() + "*forever"
	}
	return s.Route + "=" + s.Fault.String() + "*" + strconv.Itoa(s.Times)
}

// ---- control routes ----

// scriptRequest is the body of POST /_emulator/script.
type scriptRequest struct {
	Route string `json:"route"`
	Fault string `json:"fault"`
	Times *int   `json:"times"` // absent: 1; -1: every request until cleared
}

// scriptEntryDoc is one pending scripted fault in GET /_emulator/script.
type scriptEntryDoc struct {
	Route     string `json:"route"`
	Fault     string `json:"fault"`
	Remaining int    `json:"remaining"` // -1: until cleared
}

// controlScript answers POST /_emulator/script: {"route": NAME, "fault":
// FAULT, "times": N}.
func (e *Emulator) controlScript(w http.ResponseWriter, r *http.Request) {
	var req scriptRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, controlError{Error: `want a JSON body {"route": NAME, "fault": FAULT, "times": N}: ` + err.Error()})
		return
	}
	f, err := ParseFault(req.Fault)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, controlError{Error: err.Error()})
		return
	}
	n := 1
	if req.Times != nil {
		n = *req.Times
	}
	if err := e.Script(req.Route, f, n); err != nil {
		writeJSON(w, http.StatusBadRequest, controlError{Error: err.Error()})
		return
	}
	e.controlScriptList(w, r)
}

// controlScriptList answers GET /_emulator/script: the route names and the
// pending scripted faults.
func (e *Emulator) controlScriptList(w http.ResponseWriter, _ *http.Request) {
	pending := []scriptEntryDoc{}
	e.mu.Lock()
	for _, name := range routeNames() {
		for _, s := range e.scripts[name] {
			pending = append(pending, scriptEntryDoc{Route: name, Fault: s.fault.String(), Remaining: s.remaining})
		}
	}
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"routes": RouteTable(), "pending": pending})
}

// controlScriptClear answers DELETE /_emulator/script[?route=NAME].
func (e *Emulator) controlScriptClear(w http.ResponseWriter, r *http.Request) {
	if route := r.URL.Query().Get("route"); route != "" {
		if !knownRoute(route) {
			writeJSON(w, http.StatusBadRequest, controlError{Error: fmt.Sprintf("unknown route %q", route)})
			return
		}
		e.Unscript(route)
	} else {
		e.ClearScripts()
	}
	w.WriteHeader(http.StatusNoContent)
}

// faultKey is the request-context key of the fault a request meets.
type faultKey struct{}

// requestFault is the fault record chose for a request.
type requestFault struct {
	Fault
	scripted bool // from Script; else drawn by the random mode
}

// withFault returns r carrying the fault it meets (none when f has no kind).
func withFault(r *http.Request, f requestFault) *http.Request {
	if f.kind == "" {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), faultKey{}, f))
}
