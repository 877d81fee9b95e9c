package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Jelou authentication types for calls to the webhook.
var jelouAuthTypes = []string{"bearer", "api_key", "basic", "no_auth"}

// jelouObject is an integration on the wire. SigningSecret appears only in the
// create response (and the emulator state); Authorization only in the state.
type jelouObject struct {
	ID            string  `json:"id"`
	BrainID       string  `json:"brainId"`
	WebhookURL    string  `json:"webhookUrl"`
	AuthType      string  `json:"authType"`
	SigningSecret string  `json:"signingSecret,omitempty"`
	Authorization *string `json:"authorization,omitempty"`
	CreatedAt     string  `json:"createdAt"`
	UpdatedAt     string  `json:"updatedAt,omitempty"`
}

type jelouView int

const (
	jelouCreated jelouView = iota // with signingSecret, without updatedAt
	jelouPublic                   // get/update: without signingSecret, with updatedAt
	jelouState                    // everything, for /_emulator/state
)

func jelouWire(in JelouIntegration, view jelouView) jelouObject {
	o := jelouObject{
		ID:         in.ID,
		BrainID:    in.BrainID,
		WebhookURL: in.WebhookURL,
		AuthType:   in.AuthType,
		CreatedAt:  iso(in.CreatedAt),
	}
	if view != jelouCreated {
		o.UpdatedAt = iso(in.UpdatedAt)
	}
	if view != jelouPublic {
		o.SigningSecret = in.SigningSecret
	}
	if view == jelouState {
		auth := in.Authorization
		o.Authorization = &auth
	}
	return o
}

// jelouEnvelope is the success envelope; also the whole delete response.
type jelouEnvelope struct {
	Message       []string     `json:"message"`
	StatusMessage string       `json:"statusMessage"`
	Status        int          `json:"status"`
	Data          *jelouObject `json:"data,omitempty"`
}

// writeJelou writes a success response in the configured shape.
func (e *Emulator) writeJelou(w http.ResponseWriter, message string, obj jelouObject) {
	if e.opts.JelouShape == ShapeFlat {
		writeJSON(w, http.StatusOK, obj)
		return
	}
	writeJSON(w, http.StatusOK, jelouEnvelope{
		Message: []string{message}, StatusMessage: "success", Status: 1, Data: &obj,
	})
}

// jelouErrorBody is the documented Jelou error body.
type jelouErrorBody struct {
	Message         []string            `json:"message"`
	StatusMessage   string              `json:"statusMessage"`
	Status          int                 `json:"status"`
	Error           jelouErrorDetail    `json:"error"`
	ValidationError map[string][]string `json:"validationError,omitempty"`
}

type jelouErrorDetail struct {
	Code              string         `json:"code"`
	Key               string         `json:"key"`
	Description       string         `json:"description"`
	DeveloperMessages map[string]any `json:"developerMessages"`
	ClientMessages    map[string]any `json:"clientMessages"`
}

// jelouErrorKinds gives each status its error code and key.
var jelouErrorKinds = map[int][2]string{
	http.StatusBadRequest:            {"BAD_REQUEST", "request.invalid"},
	http.StatusUnauthorized:          {"UNAUTHORIZED", "auth.unauthorized"},
	http.StatusNotFound:              {"NOT_FOUND", "externalSupport.notFound"},
	http.StatusConflict:              {"CONFLICT", "externalSupport.alreadyExists"},
	http.StatusRequestEntityTooLarge: {"PAYLOAD_TOO_LARGE", "request.tooLarge"},
	http.StatusUnprocessableEntity:   {"VALIDATION_ERROR", "request.validation"},
	// Statuses of fault injection (faults.go); the codes and keys are the emulator's own.
	http.StatusTooManyRequests:     {"TOO_MANY_REQUESTS", "request.rateLimited"},
	http.StatusInternalServerError: {"INTERNAL_SERVER_ERROR", "server.error"},
	http.StatusServiceUnavailable:  {"SERVICE_UNAVAILABLE", "server.unavailable"},
}

// jelouFailWith writes a Jelou error; validation, when set, becomes validationError
// and its messages the message list.
func jelouFailWith(w http.ResponseWriter, status int, messages []string, validation map[string][]string) {
	kind, ok := jelouErrorKinds[status]
	if !ok {
		kind = [2]string{"ERROR", "error"}
	}
	if validation != nil && status == http.StatusBadRequest {
		kind = jelouErrorKinds[http.StatusUnprocessableEntity]
	}
	writeJSON(w, status, jelouErrorBody{
		Message:       messages,
		StatusMessage: "error",
		Status:        0,
		Error: jelouErrorDetail{
			Code:              kind[0],
			Key:               kind[1],
			Description:       strings.Join(messages, "; "),
			DeveloperMessages: map[string]any{},
			ClientMessages:    map[string]any{},
		},
		ValidationError: validation,
	})
}

func jelouFail(w http.ResponseWriter, status int, message string) {
	jelouFailWith(w, status, []string{message}, nil)
}

func jelouNoRoute(w http.ResponseWriter, r *http.Request) {
	jelouFail(w, http.StatusNotFound, fmt.Sprintf("Cannot %s %s", r.Method, strings.TrimPrefix(r.URL.Path, "/jelou")))
}

func jelouNotFound(w http.ResponseWriter, projectID string) {
	jelouFail(w, http.StatusNotFound, fmt.Sprintf("External support integration not found for project %s", projectID))
}

// jelouInput holds the fields present in a create or update body.
type jelouInput struct {
	webhookURL, authType, authorization *string
}

// validationErrors collects messages per field, keeping field order.
type validationErrors struct {
	fields   map[string][]string
	messages []string
}

func (v *validationErrors) add(field, message string) {
	if v.fields == nil {
		v.fields = map[string][]string{}
	}
	v.fields[field] = append(v.fields[field], message)
	v.messages = append(v.messages, message)
}

// parseJelouInput validates a create (create=true) or update body. In a create,
// null means absent; in an update, null is invalid except for authorization,
// where it clears the stored credential.
func parseJelouInput(body map[string]json.RawMessage, create bool) (jelouInput, validationErrors) {
	var in jelouInput
	var errs validationErrors

	if raw, ok := body["webhookUrl"]; ok && !(create && isNull(raw)) {
		if s, ok := asString(raw); !ok || isNull(raw) {
			errs.add("webhookUrl", "webhookUrl must be a string")
		} else if p := webhookURLProblem(s); p != "" {
			errs.add("webhookUrl", "webhookUrl "+p)
		} else {
			in.webhookURL = &s
		}
	} else if create {
		errs.add("webhookUrl", "webhookUrl is required")
	}

	if raw, ok := body["authType"]; ok && !(create && isNull(raw)) {
		s, isStr := asString(raw)
		if !isStr || isNull(raw) || !slices.Contains(jelouAuthTypes, s) {
			errs.add("authType", "authType must be one of: "+strings.Join(jelouAuthTypes, ", "))
		} else {
			in.authType = &s
		}
	}

	if raw, ok := body["authorization"]; ok {
		if isNull(raw) {
			if !create {
				empty := ""
				in.authorization = &empty
			}
		} else if s, ok := asString(raw); !ok {
			errs.add("authorization", "authorization must be a string")
		} else {
			in.authorization = &s
		}
	}
	return in, errs
}

// readJelouBody decodes the body; an empty body is an empty object.
func readJelouBody(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, bool) {
	body, err := decodeObject(r.Body)
	switch {
	case errors.Is(err, errEmptyBody):
		return map[string]json.RawMessage{}, true
	case err != nil:
		jelouFail(w, http.StatusBadRequest, "Request body must be a valid JSON object")
		return nil, false
	}
	return body, true
}

func (e *Emulator) jelouCreate(w http.ResponseWriter, r *http.Request) {
	projectID := r.PathValue("projectId")
	body, ok := readJelouBody(w, r)
	if !ok {
		return
	}
	in, errs := parseJelouInput(body, true)
	if errs.fields != nil {
		jelouFailWith(w, http.StatusUnprocessableEntity, errs.messages, errs.fields)
		return
	}

	e.mu.Lock()
	if _, exists := e.jelou[projectID]; exists {
		e.mu.Unlock()
		jelouFail(w, http.StatusConflict, fmt.Sprintf(
			"Project %s already has an external support integration; delete it or import the existing one", projectID))
		return
	}
	now := e.timestamp()
	integ := JelouIntegration{
		ID:            randomHex(12),
		BrainID:       projectID,
		WebhookURL:    *in.webhookURL,
		AuthType:      "no_auth",
		SigningSecret: newSecret(),
		CreatedAt:     now,
		UpdatedAt:     now,
	}
	if in.authType != nil {
		integ.AuthType = *in.authType
	}
	if in.authorization != nil {
		integ.Authorization = *in.authorization
	}
	e.jelou[projectID] = &jelouEntry{JelouIntegration: integ, seq: e.nextSeq()}
	e.mu.Unlock()

	e.writeJelou(w, "Integration created successfully", jelouWire(integ, jelouCreated))
}

// jelouSparseObject is the integration as the example of Jelou's get page
// shows it (Options.JelouSparseGet): no id, no authType.
type jelouSparseObject struct {
	BrainID    string `json:"brainId"`
	WebhookURL string `json:"webhookUrl"`
	CreatedAt  string `json:"createdAt"`
	UpdatedAt  string `json:"updatedAt"`
}

func (e *Emulator) jelouGet(w http.ResponseWriter, r *http.Request) {
	projectID := r.PathValue("projectId")
	integ, ok := e.JelouIntegration(projectID)
	if !ok {
		jelouNotFound(w, projectID)
		return
	}
	if e.opts.JelouSparseGet {
		obj := jelouSparseObject{BrainID: integ.BrainID, WebhookURL: integ.WebhookURL,
			CreatedAt: iso(integ.CreatedAt), UpdatedAt: iso(integ.UpdatedAt)}
		if e.opts.JelouShape == ShapeFlat {
			writeJSON(w, http.StatusOK, obj)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"message": []string{"Integration retrieved successfully"}, "statusMessage": "success", "status": 1, "data": obj,
		})
		return
	}
	e.writeJelou(w, "Integration retrieved successfully", jelouWire(integ, jelouPublic))
}

func (e *Emulator) jelouUpdate(w http.ResponseWriter, r *http.Request) {
	projectID := r.PathValue("projectId")
	body, ok := readJelouBody(w, r)
	if !ok {
		return
	}
	in, errs := parseJelouInput(body, false)
	if errs.fields != nil {
		jelouFailWith(w, http.StatusBadRequest, errs.messages, errs.fields)
		return
	}

	e.mu.Lock()
	ent, found := e.jelou[projectID]
	if !found {
		e.mu.Unlock()
		jelouNotFound(w, projectID)
		return
	}
	if in.webhookURL != nil {
		ent.WebhookURL = *in.webhookURL
	}
	if in.authType != nil {
		ent.AuthType = *in.authType
	}
	if in.authorization != nil {
		ent.Authorization = *in.authorization
	}
	ent.UpdatedAt = e.timestamp()
	integ := ent.JelouIntegration
	e.mu.Unlock()

	e.writeJelou(w, "Integration updated successfully", jelouWire(integ, jelouPublic))
}

func (e *Emulator) jelouDelete(w http.ResponseWriter, r *http.Request) {
	projectID := r.PathValue("projectId")
	if !e.DeleteJelouIntegration(projectID) {
		jelouNotFound(w, projectID)
		return
	}
	// The same body in both shapes: there is no object to return.
	writeJSON(w, http.StatusOK, jelouEnvelope{
		Message: []string{"Integration deleted successfully"}, StatusMessage: "success", Status: 1,
	})
}

// jelouRegenerate answers POST /v1/external-support/{projectId}/secret/regenerate:
// a new signing secret, in force at once (deliveries are signed with it from
// now on, never again with the previous one). No body is read. The
// integration is otherwise unchanged (Jelou's page says nothing of
// updatedAt, and the emulator leaves it).
func (e *Emulator) jelouRegenerate(w http.ResponseWriter, r *http.Request) {
	projectID := r.PathValue("projectId")
	e.mu.Lock()
	ent, found := e.jelou[projectID]
	if !found {
		e.mu.Unlock()
		jelouFail(w, http.StatusNotFound, "No integration exists for the specified projectId")
		return
	}
	ent.SigningSecret = newSecret()
	secret, brainID := ent.SigningSecret, ent.BrainID
	now := e.timestamp()
	e.mu.Unlock()

	if e.opts.JelouShape == ShapeFlat {
		writeJSON(w, http.StatusOK, struct {
			SigningSecret string `json:"signingSecret"`
			RegeneratedAt string `json:"regeneratedAt"`
		}{secret, iso(now)})
		return
	}
	writeJSON(w, http.StatusOK, jelouRegenerateEnvelope{
		Message: []string{"Signing secret regenerated successfully"}, StatusMessage: "success", Status: 1,
		Data: jelouRegenerated{BrainID: brainID, SigningSecret: secret},
	})
}

// jelouRegenerateEnvelope is the envelope answer of a regenerate, as Jelou's
// page shows it: the data carries only brainId and the new secret.
type jelouRegenerateEnvelope struct {
	Message       []string         `json:"message"`
	StatusMessage string           `json:"statusMessage"`
	Status        int              `json:"status"`
	Data          jelouRegenerated `json:"data"`
}

type jelouRegenerated struct {
	BrainID       string `json:"brainId"`
	SigningSecret string `json:"signingSecret"`
}
