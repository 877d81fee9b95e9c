package jurichat

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

type wireWebhook struct {
	ID          transport.FlexString            `json:"id"`
	OfficeID    transport.FlexString            `json:"officeId"`
	Name        transport.FlexString            `json:"name"`
	Description json.RawMessage                 `json:"description"`
	URL         transport.FlexString            `json:"url"`
	Secret      transport.FlexString            `json:"secret"`
	Events      []json.RawMessage               `json:"events"`
	IsActive    bool                            `json:"isActive"`
	Headers     map[string]transport.FlexString `json:"headers"`
	CreatedAt   transport.FlexString            `json:"createdAt"`
	UpdatedAt   transport.FlexString            `json:"updatedAt"`
	Stats       *WebhookStats                   `json:"stats"`
}

func (w *wireWebhook) webhook() (*Webhook, error) {
	out := &Webhook{
		ID:        string(w.ID),
		OfficeID:  string(w.OfficeID),
		Name:      string(w.Name),
		URL:       string(w.URL),
		Secret:    string(w.Secret),
		IsActive:  w.IsActive,
		CreatedAt: string(w.CreatedAt),
		UpdatedAt: string(w.UpdatedAt),
		Stats:     w.Stats,
	}
	if d := bytes.TrimSpace(w.Description); len(d) > 0 && string(d) != "null" {
		var s string
		if err := json.Unmarshal(d, &s); err != nil {
			return nil, fmt.Errorf("description is not a string")
		}
		out.Description = &s
	}
	if w.Events != nil {
		out.Events = make([]string, 0, len(w.Events))
		for _, raw := range w.Events {
			ev, ok, err := decodeEvent(raw)
			if err != nil {
				return nil, fmt.Errorf("events: %w", err)
			}
			if ok {
				out.Events = append(out.Events, ev.Name)
			}
		}
	}
	if w.Headers != nil {
		out.Headers = make(map[string]string, len(w.Headers))
		for k, v := range w.Headers {
			out.Headers[k] = string(v)
		}
	}
	return out, nil
}

func decodeWebhook(resp *transport.Response) (*Webhook, error) {
	obj, err := resp.Envelope("data")
	if err != nil {
		return nil, err
	}
	var w wireWebhook
	if err := resp.DecodePart(obj, &w); err != nil {
		return nil, err
	}
	if w.ID == "" {
		return nil, resp.Unexpected("the body holds no webhook id")
	}
	hook, err := w.webhook()
	if err != nil {
		return nil, resp.Unexpected(err.Error())
	}
	return hook, nil
}

func decodeWebhookList(resp *transport.Response) ([]Webhook, error) {
	items, err := listItems(resp, "data", "webhooks")
	if err != nil {
		return nil, err
	}
	out := make([]Webhook, 0, len(items))
	for i, raw := range items {
		var w wireWebhook
		if err := resp.DecodePart(raw, &w); err != nil {
			return nil, err
		}
		hook, err := w.webhook()
		if err != nil {
			return nil, resp.Unexpected(fmt.Sprintf("webhook %d: %v", i, err))
		}
		out = append(out, *hook)
	}
	return out, nil
}

// listItems returns the elements of a list body: a bare array, or the array
// under the first of keys present in an object body.
func listItems(resp *transport.Response, keys ...string) ([]json.RawMessage, error) {
	body := bytes.TrimSpace(resp.Body)
	if len(body) > 0 && body[0] == '[' {
		var items []json.RawMessage
		if err := resp.DecodeJSON(&items); err != nil {
			return nil, err
		}
		return items, nil
	}
	var top map[string]json.RawMessage
	if err := resp.DecodeJSON(&top); err != nil {
		return nil, err
	}
	for _, k := range keys {
		v := bytes.TrimSpace(top[k])
		if len(v) > 0 && v[0] == '[' {
			var items []json.RawMessage
			if err := resp.DecodePart(v, &items); err != nil {
				return nil, err
			}
			return items, nil
		}
	}
	return nil, resp.Unexpected(fmt.Sprintf("expected a JSON array or an object with a %q array", keys[0]))
}

func decodeEvents(resp *transport.Response) ([]Event, error) {
	items, err := listItems(resp, "events", "data")
	if err != nil {
		return nil, err
	}
	out := make([]Event, 0, len(items))
	for i, raw := range items {
		ev, ok, err := decodeEvent(raw)
		if err != nil {
			return nil, resp.Unexpected(fmt.Sprintf("event %d: %v", i, err))
		}
		if ok {
			out = append(out, ev)
		}
	}
	return out, nil
}

// decodeEvent reads a catalogue element: "name" or {"name","description"}
// (the name may also come as "event", "key" or "type"). null is skipped.
func decodeEvent(raw json.RawMessage) (Event, bool, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return Event{}, false, nil
	case raw[0] == '"':
		var name string
		if err := json.Unmarshal(raw, &name); err != nil || name == "" {
			return Event{}, false, fmt.Errorf("an empty or invalid event name")
		}
		return Event{Name: name}, true, nil
	case raw[0] == '{':
		var o struct {
			Name        transport.FlexString `json:"name"`
			Event       transport.FlexString `json:"event"`
			Key         transport.FlexString `json:"key"`
			Type        transport.FlexString `json:"type"`
			Description transport.FlexString `json:"description"`
		}
		if err := json.Unmarshal(raw, &o); err != nil {
			return Event{}, false, fmt.Errorf("an invalid event object")
		}
		for _, n := range []transport.FlexString{o.Name, o.Event, o.Key, o.Type} {
			if n != "" {
				return Event{Name: string(n), Description: string(o.Description)}, true, nil
			}
		}
		return Event{}, false, fmt.Errorf("an event object without a name")
	}
	return Event{}, false, fmt.Errorf("an event that is neither a string nor an object")
}

type wireDelivery struct {
	ID           transport.FlexString `json:"id"`
	WebhookID    transport.FlexString `json:"webhookId"`
	Event        transport.FlexString `json:"event"`
	Status       transport.FlexString `json:"status"`
	StatusCode   *int                 `json:"statusCode"`
	Payload      json.RawMessage      `json:"payload"`
	ResponseBody *string              `json:"responseBody"`
	ErrorMessage *string              `json:"errorMessage"`
	DurationMs   *int64               `json:"durationMs"`
	AttemptCount int                  `json:"attemptCount"`
	NextRetryAt  *string              `json:"nextRetryAt"`
	CreatedAt    transport.FlexString `json:"createdAt"`
	ExpiresAt    transport.FlexString `json:"expiresAt"`
}

func (w wireDelivery) delivery() Delivery {
	d := Delivery{
		ID: string(w.ID), WebhookID: string(w.WebhookID), Event: string(w.Event), Status: string(w.Status),
		StatusCode: w.StatusCode, ResponseBody: w.ResponseBody, ErrorMessage: w.ErrorMessage,
		DurationMs: w.DurationMs, AttemptCount: w.AttemptCount, NextRetryAt: w.NextRetryAt,
		CreatedAt: string(w.CreatedAt), ExpiresAt: string(w.ExpiresAt),
	}
	if p := bytes.TrimSpace(w.Payload); len(p) > 0 {
		d.Payload = append(json.RawMessage(nil), p...)
	}
	return d
}

func decodeDelivery(resp *transport.Response) (*Delivery, error) {
	obj, err := resp.Envelope("data")
	if err != nil {
		return nil, err
	}
	var w wireDelivery
	if err := resp.DecodePart(obj, &w); err != nil {
		return nil, err
	}
	if w.ID == "" {
		return nil, resp.Unexpected("the body holds no delivery id")
	}
	d := w.delivery()
	return &d, nil
}

func decodeDeliveryPage(resp *transport.Response) (*DeliveryPage, error) {
	var page struct {
		Data       []wireDelivery `json:"data"`
		Total      int            `json:"total"`
		Page       int            `json:"page"`
		Limit      int            `json:"limit"`
		TotalPages int            `json:"totalPages"`
	}
	body := bytes.TrimSpace(resp.Body)
	if len(body) > 0 && body[0] == '[' { // a bare list: one page holding everything
		if err := resp.DecodeJSON(&page.Data); err != nil {
			return nil, err
		}
		page.Total, page.Page, page.Limit, page.TotalPages = len(page.Data), 1, len(page.Data), 1
	} else {
		var top map[string]json.RawMessage
		if err := resp.DecodeJSON(&top); err != nil {
			return nil, err
		}
		if d := bytes.TrimSpace(top["data"]); len(d) == 0 || d[0] != '[' {
			return nil, resp.Unexpected(`expected an object with a "data" array`)
		}
		if err := resp.DecodeJSON(&page); err != nil {
			return nil, err
		}
	}
	out := &DeliveryPage{Data: make([]Delivery, 0, len(page.Data)), Total: page.Total, Page: page.Page, Limit: page.Limit, TotalPages: page.TotalPages}
	for _, w := range page.Data {
		out.Data = append(out.Data, w.delivery())
	}
	return out, nil
}

// errorMessage turns a JuriChat error body into one sentence. The expected
// shape is Fastify's {"statusCode":400,"error":"Bad Request","message":"..."}
// (message a string or a list); other common members ("errors", "detail",
// "title", "description", an "error" object) are read too. A body with none
// of them yields "" (rendered generically by transport).
func errorMessage(status int, body []byte) string {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		return transport.JoinForStatus(status, transport.Strings(body)...)
	}
	var e map[string]json.RawMessage
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	var msgs []string
	for _, k := range []string{"message", "errors", "detail", "description", "title", "error"} {
		msgs = append(msgs, transport.Strings(e[k])...)
	}
	return transport.JoinForStatus(status, msgs...)
}
