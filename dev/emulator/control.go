package emulator

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/signature"
)

// deliveryUserAgent identifies the emulator's webhook deliveries.
const deliveryUserAgent = "externalsupport-emulator/1"

// maxResponseChars is how much of a receiver's answer the delivery log keeps.
const maxResponseChars = 10000

// controlError is the error body of the /_emulator routes.
type controlError struct {
	Error      string `json:"error"`
	DeliveryID string `json:"deliveryId,omitempty"`
}

type stateDoc struct {
	Jelou struct {
		Integrations []jelouObject `json:"integrations"`
	} `json:"jelou"`
	Jurichat struct {
		Webhooks   []hookObject     `json:"webhooks"`
		Deliveries []deliveryObject `json:"deliveries"` // newest first
	} `json:"jurichat"`
	Requests map[string]int `json:"requests"`
	Faults   map[string]int `json:"faults"` // kind -> faults injected; see FaultCounts
	// Routes and Scripted count per route name: requests received (faulted
	// ones included) and requests that met a scripted fault.
	Routes   map[string]int `json:"routes"`
	Scripted map[string]int `json:"scripted"`
}

// controlState answers GET /_emulator/state: everything, secrets included.
func (e *Emulator) controlState(w http.ResponseWriter, _ *http.Request) {
	var doc stateDoc
	doc.Jelou.Integrations = []jelouObject{}
	doc.Jurichat.Webhooks = []hookObject{}
	doc.Jurichat.Deliveries = []deliveryObject{}

	e.mu.Lock()
	for _, ent := range e.sortedJelouLocked() {
		doc.Jelou.Integrations = append(doc.Jelou.Integrations, jelouWire(ent.JelouIntegration, jelouState))
	}
	for _, ent := range e.sortedHooksLocked() {
		doc.Jurichat.Webhooks = append(doc.Jurichat.Webhooks, hookWire(ent.JurichatWebhook, hookFull))
	}
	for _, ent := range e.sortedDeliveriesLocked() {
		doc.Jurichat.Deliveries = append(doc.Jurichat.Deliveries, deliveryWire(ent.JurichatDelivery))
	}
	doc.Requests = make(map[string]int, len(e.counts))
	for k, n := range e.counts {
		doc.Requests[k] = n
	}
	doc.Faults = maps.Clone(e.faultCounts)
	doc.Routes = maps.Clone(e.routeCounts)
	doc.Scripted = maps.Clone(e.scriptedCounts)
	e.mu.Unlock()

	writeJSON(w, http.StatusOK, doc)
}

// controlReset answers POST /_emulator/reset.
func (e *Emulator) controlReset(w http.ResponseWriter, _ *http.Request) {
	e.Reset()
	w.WriteHeader(http.StatusNoContent)
}

func tamperQuery(r *http.Request) (bool, error) {
	raw := r.URL.Query().Get("tamper")
	if raw == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(raw)
	if err != nil {
		return false, fmt.Errorf("tamper must be true or false, not %q", raw)
	}
	return b, nil
}

// receiverAnswer is what a webhook receiver answered.
type receiverAnswer struct {
	status int
	body   string // at most maxResponseChars characters
}

// deliver POSTs body to target with headers and reads the receiver's answer.
// Errors carry no URL (see transportError).
func (e *Emulator) deliver(ctx context.Context, target string, body []byte, headers http.Header) (receiverAnswer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return receiverAnswer{}, fmt.Errorf("cannot build the request: %s", transportError(err))
	}
	for name, values := range headers {
		req.Header[name] = values
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return receiverAnswer{}, fmt.Errorf("%s", transportError(err))
	}
	defer resp.Body.Close()
	// Four bytes per character at most.
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4*maxResponseChars))
	return receiverAnswer{status: resp.StatusCode, body: firstChars(string(raw), maxResponseChars)}, nil
}

// firstChars returns the first n characters (code points) of s.
func firstChars(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// ---- Jelou ----

type jelouMessageEvent struct {
	Field        string         `json:"field"`
	Object       string         `json:"object"`
	EventType    string         `json:"event_type"`
	Timestamp    int64          `json:"timestamp"`
	ProjectID    string         `json:"project_id"`
	RoomID       string         `json:"room_id"`
	Contact      jelouNamedRef  `json:"contact"`
	Conversation jelouRef       `json:"conversation"`
	Bot          jelouNamedRef  `json:"bot"`
	Value        jelouEventBody `json:"value"`
}

type jelouRef struct {
	ID string `json:"id"`
}

type jelouNamedRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type jelouEventBody struct {
	ID      string            `json:"id"`
	Type    string            `json:"type"`
	Content map[string]string `json:"content"`
}

// jelouSampleMessage is a text `message` event as Jelou delivers it.
func jelouSampleMessage(projectID string, now time.Time) jelouMessageEvent {
	return jelouMessageEvent{
		Field:        "messages",
		Object:       "message_event",
		EventType:    "message",
		Timestamp:    now.UnixMilli(),
		ProjectID:    projectID,
		RoomID:       "room-" + randomHex(6),
		Contact:      jelouNamedRef{ID: "contact-emulator-1", Name: "Emulator Contact"},
		Conversation: jelouRef{ID: "conversation-" + randomHex(6)},
		Bot:          jelouNamedRef{ID: "bot-emulator-1", Name: "Emulator Bot"},
		Value: jelouEventBody{
			ID:      "message-" + randomHex(6),
			Type:    "text",
			Content: map[string]string{"body": "Hello from the Jelou emulator"},
		},
	}
}

// jelouAuthHeader returns the header Jelou sends to the webhook for an authType.
// An empty credential sends no header.
func jelouAuthHeader(authType, credential string) (name, value string) {
	if credential == "" {
		return "", ""
	}
	switch authType {
	case "bearer":
		return "Authorization", "Bearer " + credential
	case "api_key":
		return "X-API-Key", credential
	case "basic":
		if strings.Contains(credential, ":") {
			credential = base64.StdEncoding.EncodeToString([]byte(credential))
		}
		return "Authorization", "Basic " + credential
	}
	return "", ""
}

// controlJelouDeliver answers POST /_emulator/jelou/{projectId}/deliver[?tamper=true]:
// it sends a sample message event to the integration's webhook.
func (e *Emulator) controlJelouDeliver(w http.ResponseWriter, r *http.Request) {
	projectID := r.PathValue("projectId")
	tamper, err := tamperQuery(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, controlError{Error: err.Error()})
		return
	}
	integ, ok := e.JelouIntegration(projectID)
	if !ok {
		writeJSON(w, http.StatusNotFound, controlError{Error: fmt.Sprintf("project %s has no Jelou integration", projectID)})
		return
	}

	body := mustJSON(jelouSampleMessage(projectID, e.timestamp()))
	headers := http.Header{}
	headers.Set("Content-Type", "application/json")
	headers.Set("User-Agent", deliveryUserAgent)
	headers.Set("X-Jelou-Signature", signature.Sign(integ.SigningSecret, body))
	if name, value := jelouAuthHeader(integ.AuthType, integ.Authorization); name != "" {
		headers.Set(name, value)
	}
	if tamper {
		body = tamperBody(body)
	}

	answer, err := e.deliver(r.Context(), integ.WebhookURL, body, headers)
	if err != nil {
		writeJSON(w, http.StatusBadGateway, controlError{Error: "receiver unreachable: " + err.Error()})
		return
	}
	writeJSON(w, answer.status, map[string]int{"receiverStatus": answer.status})
}

// ---- JuriChat ----

// jurichatSampleData returns the sample `data` of an event.
func jurichatSampleData(event string, now time.Time) map[string]any {
	ts := iso(now)
	lead := map[string]any{
		"id": "lead-" + randomHex(6), "officeId": OfficeID, "name": "Emulator Lead",
		"email": "lead@example.com", "phone": "+5511999990000", "stageId": "stage-new",
		"createdAt": ts, "updatedAt": ts,
	}
	conversation := map[string]any{
		"id": "conversation-" + randomHex(6), "officeId": OfficeID, "contactId": "contact-emulator-1",
		"channel": "whatsapp", "status": "open", "assignedTo": nil, "createdAt": ts, "updatedAt": ts,
	}
	contact := map[string]any{
		"id": "contact-emulator-1", "officeId": OfficeID, "name": "Emulator Contact",
		"email": "contact@example.com", "phone": "+5511999990001", "createdAt": ts, "updatedAt": ts,
	}
	switch event {
	case "crm.lead.created", "crm.lead.updated":
		return lead
	case "crm.lead.deleted":
		return map[string]any{"id": lead["id"], "officeId": OfficeID, "deletedAt": ts}
	case "crm.lead.moved":
		lead["previousStageId"], lead["stageId"] = "stage-new", "stage-qualified"
		return lead
	case "chat.conversation.created", "chat.conversation.updated":
		return conversation
	case "chat.conversation.assigned":
		conversation["assignedTo"] = map[string]any{"id": "user-emulator-1", "name": "Emulator Agent"}
		return conversation
	case "contact.created", "contact.updated":
		return contact
	case "contact.deleted":
		return map[string]any{"id": contact["id"], "officeId": OfficeID, "deletedAt": ts}
	}
	return map[string]any{}
}

type jurichatEventBody struct {
	Event     string         `json:"event"`
	Data      map[string]any `json:"data,omitempty"`
	Timestamp string         `json:"timestamp"`
}

// controlJurichatDeliver answers
// POST /_emulator/jurichat/webhooks/{webhookId}/deliver[?event=NAME][&tamper=true]:
// it sends one event to the webhook's URL and records the delivery.
func (e *Emulator) controlJurichatDeliver(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("webhookId")
	event := cmp.Or(r.URL.Query().Get("event"), "webhook.test")
	tamper, err := tamperQuery(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, controlError{Error: err.Error()})
		return
	}
	if !knownEvent(event) {
		writeJSON(w, http.StatusBadRequest, controlError{Error: fmt.Sprintf("unknown event %q; see GET /jurichat/webhooks/events", event)})
		return
	}
	h, ok := e.JurichatWebhook(id)
	switch {
	case !ok:
		writeJSON(w, http.StatusNotFound, controlError{Error: fmt.Sprintf("webhook %s not found", id)})
		return
	case !h.IsActive:
		writeJSON(w, http.StatusConflict, controlError{Error: fmt.Sprintf("webhook %s is paused (isActive is false); inactive webhooks receive no events", id)})
		return
	case !slices.Contains(h.Events, event):
		writeJSON(w, http.StatusConflict, controlError{Error: fmt.Sprintf("webhook %s is not subscribed to %s (subscribed: %s)", id, event, strings.Join(h.Events, ", "))})
		return
	}

	now := e.timestamp()
	msg := jurichatEventBody{Event: event, Timestamp: iso(now)}
	if event != "webhook.test" {
		msg.Data = jurichatSampleData(event, now)
	}
	body := mustJSON(msg)
	d := JurichatDelivery{
		ID: newUUID(), WebhookID: id, Event: event, Payload: body,
		AttemptCount: 1, CreatedAt: now, ExpiresAt: now.Add(deliveryRetention),
	}
	err = e.attemptJurichat(r.Context(), h, &d, tamper)

	e.mu.Lock()
	if _, still := e.hooks[id]; still {
		e.deliveries[d.ID] = &deliveryEntry{JurichatDelivery: d, seq: e.nextSeq()}
	}
	e.mu.Unlock()

	if err != nil {
		writeJSON(w, http.StatusBadGateway, controlError{Error: *d.ErrorMessage, DeliveryID: d.ID})
		return
	}
	writeJSON(w, *d.StatusCode, struct {
		ReceiverStatus int    `json:"receiverStatus"`
		DeliveryID     string `json:"deliveryId"`
	}{*d.StatusCode, d.ID})
}

// attemptJurichat sends one attempt of delivery d (its Payload, as is) to
// the webhook's URL, signed with the webhook's current secret, with its
// custom headers and X-JuriChat-Delivery, and records the outcome in d:
// status SUCCESS for a 2xx answer, FAILED otherwise; status code, the first
// 10,000 characters of the answer, the error and the duration. tamper alters
// the body after signing. The error is the receiver being unreachable.
func (e *Emulator) attemptJurichat(ctx context.Context, h JurichatWebhook, d *JurichatDelivery, tamper bool) error {
	headers := http.Header{}
	for name, value := range h.Headers {
		headers.Set(name, value)
	}
	// Set last: custom headers cannot replace these.
	headers.Set("Content-Type", "application/json")
	headers.Set("User-Agent", deliveryUserAgent)
	headers.Set("X-JuriChat-Signature", signature.Sign(h.Secret, d.Payload))
	headers.Set("X-JuriChat-Delivery", d.ID)
	sent := d.Payload
	if tamper {
		sent = tamperBody(d.Payload)
	}

	start := time.Now()
	answer, err := e.deliver(ctx, h.URL, sent, headers)
	duration := time.Since(start).Milliseconds()
	d.DurationMs = &duration
	d.NextRetryAt = nil
	if err != nil {
		problem := "receiver unreachable: " + err.Error()
		d.Status, d.ErrorMessage, d.StatusCode, d.ResponseBody = DeliveryFailed, &problem, nil, nil
		return err
	}
	d.StatusCode, d.ResponseBody = &answer.status, &answer.body
	d.Status, d.ErrorMessage = DeliverySuccess, nil
	if answer.status < 200 || answer.status > 299 {
		problem := fmt.Sprintf("receiver answered HTTP %d", answer.status)
		d.Status, d.ErrorMessage = DeliveryFailed, &problem
	}
	return nil
}

// redeliverJurichat is the attempt a retry schedules: it runs in the
// background once the retry has been answered (the delivery is PENDING
// meanwhile), with the webhook as it is now (URL, secret, headers), and
// stores the outcome with one more attempt counted. A webhook deleted in the
// meantime takes its log with it; a paused one fails the attempt unsent.
func (e *Emulator) redeliverJurichat(deliveryID string) {
	defer e.background.Done()
	e.mu.Lock()
	ent, ok := e.deliveries[deliveryID]
	var d JurichatDelivery
	var h JurichatWebhook
	var hookOK bool
	if ok {
		d = ent.clone()
		if he, found := e.hooks[d.WebhookID]; found {
			h, hookOK = he.clone(), true
		}
	}
	e.mu.Unlock()
	if !ok || !hookOK {
		return
	}

	d.AttemptCount++
	if h.IsActive {
		_ = e.attemptJurichat(e.backgroundCtx, h, &d, false)
	} else {
		problem := fmt.Sprintf("webhook %s is paused (isActive is false); the retry was not sent", h.ID)
		d.Status, d.ErrorMessage, d.NextRetryAt = DeliveryFailed, &problem, nil
	}

	e.mu.Lock()
	if ent, still := e.deliveries[deliveryID]; still {
		ent.JurichatDelivery = d
	}
	e.mu.Unlock()
}
