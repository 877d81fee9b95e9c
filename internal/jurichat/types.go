package jurichat

import (
	"encoding/json"
	"errors"
)

// Webhook is a JuriChat webhook.
type Webhook struct {
	ID          string            `json:"id"`
	OfficeID    string            `json:"officeId"`
	Name        string            `json:"name"`
	Description *string           `json:"description"` // nil when null or absent
	URL         string            `json:"url"`
	Secret      string            `json:"secret"` // from create and get only
	Events      []string          `json:"events"`
	IsActive    bool              `json:"isActive"`
	Headers     map[string]string `json:"headers"` // from create and get only; nil when absent or null
	CreatedAt   string            `json:"createdAt"`
	UpdatedAt   string            `json:"updatedAt"`
	Stats       *WebhookStats     `json:"stats,omitempty"` // from list only

	// Recovery is set by CreateWebhook when the create did not simply
	// succeed at the first attempt (see CreateRecovery); nil otherwise.
	Recovery *CreateRecovery `json:"-"`
}

// CreateRecovery says how CreateWebhook settled a create whose first
// attempt's outcome was unknown.
type CreateRecovery struct {
	// Attempts is the number of creates sent (POST /webhooks), the first
	// included.
	Attempts int
	// Adopted is true when the webhook was not taken from a create's answer
	// but found by listing the webhooks, matched with what was sent, and
	// read back (secret included): a create that had been stored although
	// its answer was lost.
	Adopted bool
	// Stopped is true when the create's context ended while it was in
	// flight (the operation was stopped) and the webhook was found and
	// adopted on a context of its own (see CreateWebhook).
	Stopped bool
}

// WebhookStats summarises a webhook's deliveries (list only).
type WebhookStats struct {
	TotalDeliveries int64   `json:"totalDeliveries"`
	SuccessCount    int64   `json:"successCount"`
	FailedCount     int64   `json:"failedCount"`
	SuccessRate     float64 `json:"successRate"`
}

// CreateWebhookRequest is the body of CreateWebhook. Name, URL and Events are
// required by the server; nil optional fields are not sent (the server
// defaults IsActive to true).
type CreateWebhookRequest struct {
	Name        string            `json:"name"`
	URL         string            `json:"url"`
	Events      []string          `json:"events"`
	Description *string           `json:"description,omitempty"`
	IsActive    *bool             `json:"isActive,omitempty"`
	Headers     map[string]string `json:"headers,omitempty"`
}

// UpdateWebhookRequest is the body of UpdateWebhook. Only set fields are
// sent: nil pointers, a nil Events and a nil Headers are left out. Events,
// when sent, replaces the whole list. ClearDescription sends
// "description": null and ClearHeaders sends "headers": null (removing all
// custom headers); each is exclusive with setting the same field.
type UpdateWebhookRequest struct {
	Name             *string
	URL              *string
	Events           []string
	IsActive         *bool
	Description      *string
	ClearDescription bool
	Headers          map[string]string
	ClearHeaders     bool
}

var jsonNull = json.RawMessage("null")

func (r UpdateWebhookRequest) validate() error {
	if r.ClearDescription && r.Description != nil {
		return errors.New("jurichat: UpdateWebhookRequest sets both Description and ClearDescription")
	}
	if r.ClearHeaders && r.Headers != nil {
		return errors.New("jurichat: UpdateWebhookRequest sets both Headers and ClearHeaders")
	}
	return nil
}

// MarshalJSON sends only the fields that are set, and null for the cleared ones.
func (r UpdateWebhookRequest) MarshalJSON() ([]byte, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	var w struct {
		Name        *string         `json:"name,omitempty"`
		Description json.RawMessage `json:"description,omitempty"`
		URL         *string         `json:"url,omitempty"`
		Events      json.RawMessage `json:"events,omitempty"`
		IsActive    *bool           `json:"isActive,omitempty"`
		Headers     json.RawMessage `json:"headers,omitempty"`
	}
	w.Name, w.URL, w.IsActive = r.Name, r.URL, r.IsActive
	var err error
	switch {
	case r.ClearDescription:
		w.Description = jsonNull
	case r.Description != nil:
		if w.Description, err = json.Marshal(*r.Description); err != nil {
			return nil, err
		}
	}
	if r.Events != nil {
		if w.Events, err = json.Marshal(r.Events); err != nil {
			return nil, err
		}
	}
	switch {
	case r.ClearHeaders:
		w.Headers = jsonNull
	case r.Headers != nil:
		if w.Headers, err = json.Marshal(r.Headers); err != nil {
			return nil, err
		}
	}
	return json.Marshal(w)
}

// Event is one entry of the event catalogue.
type Event struct {
	Name        string `json:"name"`
	Description string `json:"description"` // "" when the catalogue gives names only
}

// Delivery is one attempt record of the delivery log.
type Delivery struct {
	ID           string          `json:"id"`
	WebhookID    string          `json:"webhookId"`
	Event        string          `json:"event"`
	Status       string          `json:"status"` // PENDING, SUCCESS, FAILED, RETRYING
	StatusCode   *int            `json:"statusCode"`
	Payload      json.RawMessage `json:"payload"`
	ResponseBody *string         `json:"responseBody"` // first 10,000 characters
	ErrorMessage *string         `json:"errorMessage"`
	DurationMs   *int64          `json:"durationMs"`
	AttemptCount int             `json:"attemptCount"`
	NextRetryAt  *string         `json:"nextRetryAt"`
	CreatedAt    string          `json:"createdAt"`
	ExpiresAt    string          `json:"expiresAt"`
}

// DeliveryQuery filters ListDeliveries; zero fields are not sent.
type DeliveryQuery struct {
	Page   int
	Limit  int    // the server caps it at 100
	Status string // PENDING, SUCCESS, FAILED, RETRYING
	Event  string
}

// DeliveryPage is one page of the delivery log.
type DeliveryPage struct {
	Data       []Delivery `json:"data"`
	Total      int        `json:"total"`
	Page       int        `json:"page"`
	Limit      int        `json:"limit"`
	TotalPages int        `json:"totalPages"`
}
