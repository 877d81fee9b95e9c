package emulator

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/validation"
)

// Event is an entry of the JuriChat event catalogue (GET /webhooks/events).
type Event struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// jurichatCatalogue lists the documented events, in the documented order.
var jurichatCatalogue = []Event{
	{"crm.lead.created", "A lead was created in the CRM."},
	{"crm.lead.updated", "A lead was updated."},
	{"crm.lead.deleted", "A lead was deleted."},
	{"crm.lead.moved", "A lead moved to another pipeline stage."},
	{"chat.conversation.created", "A chat conversation was started."},
	{"chat.conversation.updated", "A chat conversation was updated."},
	{"chat.conversation.assigned", "A chat conversation was assigned to an agent."},
	{"contact.created", "A contact was created."},
	{"contact.updated", "A contact was updated."},
	{"contact.deleted", "A contact was deleted."},
	{"webhook.test", "A test delivery, sent on demand to check an endpoint."},
}

// JurichatEvents returns a copy of the event catalogue the emulator serves.
func JurichatEvents() []Event { return slices.Clone(jurichatCatalogue) }

func knownEvent(name string) bool {
	return slices.ContainsFunc(jurichatCatalogue, func(e Event) bool { return e.Name == name })
}

var deliveryStatuses = []string{DeliveryPending, DeliverySuccess, DeliveryFailed, DeliveryRetrying}

// deliveryRetention is how long the delivery log keeps an entry.
const deliveryRetention = 90 * 24 * time.Hour

// ---- wire shapes ----

type hookObject struct {
	ID          string             `json:"id"`
	OfficeID    string             `json:"officeId"`
	Name        string             `json:"name"`
	Description *string            `json:"description"`
	URL         string             `json:"url"`
	Secret      string             `json:"secret,omitempty"`
	Events      []string           `json:"events"`
	IsActive    bool               `json:"isActive"`
	Headers     *map[string]string `json:"headers,omitempty"`
	CreatedAt   string             `json:"createdAt"`
	UpdatedAt   string             `json:"updatedAt"`
	Stats       *hookStats         `json:"stats,omitempty"`
}

type hookStats struct {
	TotalDeliveries int     `json:"totalDeliveries"`
	SuccessCount    int     `json:"successCount"`
	FailedCount     int     `json:"failedCount"`
	SuccessRate     float64 `json:"successRate"` // percent, 0–100, two decimals
}

type hookView int

const (
	hookFull    hookView = iota // create, get, state: secret and headers
	hookUpdated                 // update: headers, no secret
	hookListed                  // list: neither (stats are added by the caller)
)

func hookWire(h JurichatWebhook, view hookView) hookObject {
	h = h.clone()
	o := hookObject{
		ID:          h.ID,
		OfficeID:    h.OfficeID,
		Name:        h.Name,
		Description: h.Description,
		URL:         h.URL,
		Events:      h.Events,
		IsActive:    h.IsActive,
		CreatedAt:   iso(h.CreatedAt),
		UpdatedAt:   iso(h.UpdatedAt),
	}
	if view == hookFull {
		o.Secret = h.Secret
	}
	if view != hookListed {
		o.Headers = &h.Headers
	}
	return o
}

type deliveryObject struct {
	ID           string          `json:"id"`
	WebhookID    string          `json:"webhookId"`
	Event        string          `json:"event"`
	Status       string          `json:"status"`
	StatusCode   *int            `json:"statusCode"`
	Payload      json.RawMessage `json:"payload"`
	ResponseBody *string         `json:"responseBody"`
	ErrorMessage *string         `json:"errorMessage"`
	DurationMs   *int64          `json:"durationMs"`
	AttemptCount int             `json:"attemptCount"`
	NextRetryAt  *string         `json:"nextRetryAt"`
	CreatedAt    string          `json:"createdAt"`
	ExpiresAt    string          `json:"expiresAt"`
}

func deliveryWire(d JurichatDelivery) deliveryObject {
	d = d.clone()
	o := deliveryObject{
		ID:           d.ID,
		WebhookID:    d.WebhookID,
		Event:        d.Event,
		Status:       d.Status,
		StatusCode:   d.StatusCode,
		Payload:      d.Payload,
		ResponseBody: d.ResponseBody,
		ErrorMessage: d.ErrorMessage,
		DurationMs:   d.DurationMs,
		AttemptCount: d.AttemptCount,
		CreatedAt:    iso(d.CreatedAt),
		ExpiresAt:    iso(d.ExpiresAt),
	}
	if len(o.Payload) == 0 {
		o.Payload = json.RawMessage("null")
	}
	if d.NextRetryAt != nil {
		s := iso(*d.NextRetryAt)
		o.NextRetryAt = &s
	}
	return o
}

type deliveryPage struct {
	Data       []deliveryObject `json:"data"`
	Total      int              `json:"total"`
	Page       int              `json:"page"`
	Limit      int              `json:"limit"`
	TotalPages int              `json:"totalPages"`
}

// fastifyError is the (Fastify-style) JuriChat error body.
type fastifyError struct {
	StatusCode int    `json:"statusCode"`
	Code       string `json:"code,omitempty"`
	Error      string `json:"error"`
	Message    string `json:"message"`
}

func fastifyFail(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, fastifyError{StatusCode: status, Error: http.StatusText(status), Message: message})
}

// jurichatInvalid writes a 400 validation error, as Fastify's schema validation does.
func jurichatInvalid(w http.ResponseWriter, message string) {
	writeJSON(w, http.StatusBadRequest, fastifyError{
		StatusCode: http.StatusBadRequest, Code: "FST_ERR_VALIDATION", Error: "Bad Request", Message: message,
	})
}

func jurichatNoRoute(w http.ResponseWriter, r *http.Request) {
	fastifyFail(w, http.StatusNotFound, fmt.Sprintf("Route %s:%s not found", r.Method, strings.TrimPrefix(r.URL.Path, "/jurichat")))
}

func hookNotFound(w http.ResponseWriter, id string) {
	fastifyFail(w, http.StatusNotFound, fmt.Sprintf("Webhook %s not found", id))
}

func deliveryNotFound(w http.ResponseWriter, id string) {
	fastifyFail(w, http.StatusNotFound, fmt.Sprintf("Delivery %s not found", id))
}

// ---- input validation ----

// hookInput holds the fields present in a create or update body.
type hookInput struct {
	name, url      *string
	events         []string // nil: absent
	description    *string
	descriptionSet bool // present, possibly null (clears)
	isActive       *bool
	headers        map[string]string
	headersSet     bool // present, possibly null (clears)
}

// parseHookInput validates a body and returns the first problem as a message
// naming the field ("body/name must NOT have more than 100 characters").
func parseHookInput(body map[string]json.RawMessage, create bool) (hookInput, string) {
	var in hookInput
	if create {
		for _, f := range []string{"name", "url", "events"} {
			if raw, ok := body[f]; !ok || isNull(raw) {
				return in, fmt.Sprintf("body must have required property '%s'", f)
			}
		}
	}

	if raw, ok := body["name"]; ok {
		s, isStr := asString(raw)
		switch n := utf8.RuneCountInString(s); {
		case !isStr || isNull(raw):
			return in, "body/name must be string"
		case n < 1:
			return in, "body/name must NOT have fewer than 1 characters"
		case n > 100:
			return in, "body/name must NOT have more than 100 characters"
		}
		in.name = &s
	}

	if raw, ok := body["url"]; ok {
		s, isStr := asString(raw)
		if !isStr || isNull(raw) {
			return in, "body/url must be string"
		}
		if p := webhookURLProblem(s); p != "" {
			return in, "body/url " + p
		}
		in.url = &s
	}

	if raw, ok := body["events"]; ok {
		var items []json.RawMessage
		if isNull(raw) || json.Unmarshal(raw, &items) != nil {
			return in, "body/events must be array"
		}
		if len(items) < 1 {
			return in, "body/events must NOT have fewer than 1 items"
		}
		events := make([]string, 0, len(items))
		var unknown []string
		for i, item := range items {
			s, isStr := asString(item)
			if !isStr || isNull(item) {
				return in, fmt.Sprintf("body/events/%d must be string", i)
			}
			if !knownEvent(s) {
				unknown = append(unknown, strconv.Quote(s))
			}
			events = append(events, s)
		}
		if len(unknown) > 0 {
			return in, fmt.Sprintf("body/events contains unknown events: %s (GET /webhooks/events lists the available ones)",
				strings.Join(unknown, ", "))
		}
		in.events = events
	}

	if raw, ok := body["description"]; ok {
		in.descriptionSet = true
		if !isNull(raw) {
			s, isStr := asString(raw)
			if !isStr {
				return in, "body/description must be string"
			}
			if utf8.RuneCountInString(s) > 500 {
				return in, "body/description must NOT have more than 500 characters"
			}
			in.description = &s
		}
	}

	if raw, ok := body["isActive"]; ok {
		var b bool
		if isNull(raw) || json.Unmarshal(raw, &b) != nil {
			return in, "body/isActive must be boolean"
		}
		in.isActive = &b
	}

	if raw, ok := body["headers"]; ok {
		in.headersSet = true
		if !isNull(raw) {
			var fields map[string]json.RawMessage
			if json.Unmarshal(raw, &fields) != nil {
				return in, "body/headers must be object"
			}
			headers := make(map[string]string, len(fields))
			for _, name := range slices.Sorted(maps.Keys(fields)) {
				v, isStr := asString(fields[name])
				switch {
				case !validation.HeaderName(name):
					return in, fmt.Sprintf("body/headers has an invalid HTTP header name: %q", name)
				case !isStr || isNull(fields[name]):
					return in, fmt.Sprintf("body/headers/%s must be string", name)
				case strings.ContainsAny(v, "\r\n\x00"):
					return in, fmt.Sprintf("body/headers/%s must not contain line breaks", name)
				}
				headers[name] = v
			}
			in.headers = headers
		}
	}
	return in, ""
}

// readHookBody decodes the body; anything but a JSON object is a 400.
func readHookBody(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, bool) {
	body, err := decodeObject(r.Body)
	switch {
	case errors.Is(err, errEmptyBody):
		jurichatInvalid(w, "body must be object")
		return nil, false
	case err != nil:
		fastifyFail(w, http.StatusBadRequest, "Body is not valid JSON: "+jsonProblem(err))
		return nil, false
	}
	return body, true
}

// jsonProblem describes a decoding error without echoing body content.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at offset %d", syn.Offset)
	case errors.As(err, &typ):
		return "body must be object"
	default:
		return "body must be one JSON object"
	}
}

// ---- handlers ----

func (e *Emulator) jurichatCreate(w http.ResponseWriter, r *http.Request) {
	body, ok := readHookBody(w, r)
	if !ok {
		return
	}
	in, problem := parseHookInput(body, true)
	if problem != "" {
		jurichatInvalid(w, problem)
		return
	}
	now := e.timestamp()
	h := JurichatWebhook{
		ID:          newUUID(),
		OfficeID:    OfficeID,
		Name:        *in.name,
		Description: in.description,
		URL:         *in.url,
		Secret:      newSecret(),
		Events:      in.events,
		IsActive:    true,
		Headers:     in.headers,
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	if in.isActive != nil {
		h.IsActive = *in.isActive
	}
	h = h.clone() // headers: {} rather than nil
	e.mu.Lock()
	e.hooks[h.ID] = &hookEntry{JurichatWebhook: h, seq: e.nextSeq()}
	e.mu.Unlock()
	writeJSON(w, http.StatusCreated, hookWire(h, hookFull))
}

func (e *Emulator) jurichatList(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	hooks := e.sortedHooksLocked()
	out := make([]hookObject, 0, len(hooks))
	for _, h := range hooks {
		o := hookWire(h.JurichatWebhook, hookListed)
		o.Stats = e.statsLocked(h.ID)
		out = append(out, o)
	}
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// statsLocked summarises the live (unexpired) delivery log of a webhook.
func (e *Emulator) statsLocked(webhookID string) *hookStats {
	var s hookStats
	now := e.now()
	for _, d := range e.deliveries {
		if d.WebhookID != webhookID || !now.Before(d.ExpiresAt) {
			continue
		}
		s.TotalDeliveries++
		switch d.Status {
		case DeliverySuccess:
			s.SuccessCount++
		case DeliveryFailed:
			s.FailedCount++
		}
	}
	if s.TotalDeliveries > 0 {
		s.SuccessRate = math.Round(float64(s.SuccessCount)*10000/float64(s.TotalDeliveries)) / 100
	}
	return &s
}

func (e *Emulator) jurichatGet(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("webhookId")
	h, ok := e.JurichatWebhook(id)
	if !ok {
		hookNotFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, hookWire(h, hookFull))
}

func (e *Emulator) jurichatUpdate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("webhookId")
	body, ok := readHookBody(w, r)
	if !ok {
		return
	}
	in, problem := parseHookInput(body, false)
	if problem != "" {
		jurichatInvalid(w, problem)
		return
	}

	e.mu.Lock()
	ent, found := e.hooks[id]
	if !found {
		e.mu.Unlock()
		hookNotFound(w, id)
		return
	}
	if in.name != nil {
		ent.Name = *in.name
	}
	if in.url != nil {
		ent.URL = *in.url
	}
	if in.events != nil {
		ent.Events = in.events
	}
	if in.descriptionSet {
		ent.Description = in.description
	}
	if in.isActive != nil {
		ent.IsActive = *in.isActive
	}
	if in.headersSet {
		ent.Headers = in.headers
		if ent.Headers == nil {
			ent.Headers = map[string]string{}
		}
	}
	ent.UpdatedAt = e.timestamp()
	h := ent.clone()
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, hookWire(h, hookUpdated))
}

func (e *Emulator) jurichatDelete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("webhookId")
	if !e.DeleteJurichatWebhook(id) {
		hookNotFound(w, id)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func jurichatEvents(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, jurichatCatalogue)
}

// positiveQuery parses an optional positive integer query parameter.
func positiveQuery(query url.Values, name string, def, maxValue int) (int, string) {
	raw := query.Get(name)
	if raw == "" {
		return def, ""
	}
	n, err := strconv.Atoi(raw)
	switch {
	case err != nil:
		return 0, fmt.Sprintf("querystring/%s must be integer", name)
	case n < 1:
		return 0, fmt.Sprintf("querystring/%s must be >= 1", name)
	case maxValue > 0 && n > maxValue:
		return 0, fmt.Sprintf("querystring/%s must be <= %d", name, maxValue)
	}
	return n, ""
}

func (e *Emulator) jurichatDeliveries(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	page, pageProblem := positiveQuery(query, "page", 1, 0)
	limit, limitProblem := positiveQuery(query, "limit", 20, 100)
	status, statusProblem := query.Get("status"), ""
	if status != "" && !slices.Contains(deliveryStatuses, status) {
		statusProblem = "querystring/status must be equal to one of the allowed values: " + strings.Join(deliveryStatuses, ", ")
	}
	if problem := cmp.Or(pageProblem, limitProblem, statusProblem); problem != "" {
		jurichatInvalid(w, problem)
		return
	}
	e.writeDeliveryPage(w, r.PathValue("webhookId"), page, limit, status, query.Get("event"))
}

func (e *Emulator) writeDeliveryPage(w http.ResponseWriter, webhookID string, page, limit int, status, event string) {
	e.mu.Lock()
	if _, ok := e.hooks[webhookID]; !ok {
		e.mu.Unlock()
		hookNotFound(w, webhookID)
		return
	}
	now := e.now()
	var matched []deliveryObject
	for _, d := range e.sortedDeliveriesLocked() {
		if d.WebhookID != webhookID || !now.Before(d.ExpiresAt) ||
			(status != "" && d.Status != status) || (event != "" && d.Event != event) {
			continue
		}
		matched = append(matched, deliveryWire(d.JurichatDelivery))
	}
	e.mu.Unlock()

	res := deliveryPage{Data: []deliveryObject{}, Total: len(matched), Page: page, Limit: limit,
		TotalPages: (len(matched) + limit - 1) / limit}
	if start := (page - 1) * limit; start < len(matched) {
		res.Data = matched[start:min(start+limit, len(matched))]
	}
	writeJSON(w, http.StatusOK, res)
}

func (e *Emulator) jurichatDelivery(w http.ResponseWriter, r *http.Request) {
	webhookID, id := r.PathValue("webhookId"), r.PathValue("deliveryId")
	e.mu.Lock()
	_, hookOK := e.hooks[webhookID]
	d, ok := e.deliveries[id]
	var out deliveryObject
	ok = ok && d.WebhookID == webhookID && e.now().Before(d.ExpiresAt)
	if ok {
		out = deliveryWire(d.JurichatDelivery)
	}
	e.mu.Unlock()
	switch {
	case !hookOK:
		hookNotFound(w, webhookID)
	case !ok:
		deliveryNotFound(w, id)
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

func (e *Emulator) jurichatRetry(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("deliveryId")
	e.mu.Lock()
	d, ok := e.deliveries[id]
	if !ok || !e.now().Before(d.ExpiresAt) {
		e.mu.Unlock()
		deliveryNotFound(w, id)
		return
	}
	if d.Status != DeliveryFailed && d.Status != DeliveryRetrying {
		status := d.Status
		e.mu.Unlock()
		fastifyFail(w, http.StatusBadRequest, fmt.Sprintf(
			"Delivery %s has status %s; only FAILED or RETRYING deliveries can be retried", id, status))
		return
	}
	d.Status = DeliveryPending
	next := e.timestamp()
	d.NextRetryAt = &next
	// The new attempt goes out at once, after this answer (see redeliverJurichat).
	e.background.Add(1)
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"deliveryId": id, "message": "Delivery queued for retry"})
	go e.redeliverJurichat(id)
}
