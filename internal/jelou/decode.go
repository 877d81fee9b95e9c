package jelou

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

type wireIntegration struct {
	ID            transport.FlexString `json:"id"`
	MongoID       transport.FlexString `json:"_id"`
	BrainID       transport.FlexString `json:"brainId"`
	WebhookURL    transport.FlexString `json:"webhookUrl"`
	AuthType      transport.FlexString `json:"authType"`
	SigningSecret transport.FlexString `json:"signingSecret"`
	CreatedAt     transport.FlexString `json:"createdAt"`
	UpdatedAt     transport.FlexString `json:"updatedAt"`
}

// decodeIntegration accepts both response shapes: the envelope
// {"message":[...],"statusMessage":"success","status":1,"data":{...}}, told
// apart by an object-valued "data" member, and the bare integration object.
func decodeIntegration(resp *transport.Response) (*Integration, error) {
	obj, err := resp.Envelope("data")
	if err != nil {
		return nil, err
	}
	var w wireIntegration
	if err := resp.DecodePart(obj, &w); err != nil {
		return nil, err
	}
	if w.ID == "" {
		w.ID = w.MongoID
	}
	if w.ID == "" && w.BrainID == "" && w.WebhookURL == "" {
		return nil, resp.Unexpected("the body holds no integration")
	}
	return &Integration{
		ID:            string(w.ID),
		BrainID:       string(w.BrainID),
		WebhookURL:    string(w.WebhookURL),
		AuthType:      string(w.AuthType),
		SigningSecret: string(w.SigningSecret),
		CreatedAt:     string(w.CreatedAt),
		UpdatedAt:     string(w.UpdatedAt),
	}, nil
}

// errorMessage turns a Jelou error body into one sentence:
//
//	{"message": "text" | ["text", ...], "statusMessage": "...", "status": 0,
//	 "error": {"code","key","description","developerMessages":{},"clientMessages":{}},
//	 "validationError": {...}}
//
// It joins message, error.description (or the error's client/developer
// message) and the validation errors as "field: message", without
// duplicates; when all are empty it falls back to statusMessage (unless it is
// a bare "error"), then the error key, then the HTTP status text. A body with
// none of these members yields "" (rendered generically by transport).
func errorMessage(status int, body []byte) string {
	var e struct {
		Message         json.RawMessage      `json:"message"`
		StatusMessage   transport.FlexString `json:"statusMessage"`
		Error           json.RawMessage      `json:"error"`
		ValidationError json.RawMessage      `json:"validationError"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	if e.Message == nil && e.StatusMessage == "" && e.Error == nil && e.ValidationError == nil {
		return ""
	}
	msgs := transport.Strings(e.Message)
	desc, key := errorObject(e.Error)
	msgs = append(msgs, desc...)
	msgs = append(msgs, validationMessages("", e.ValidationError, 0)...)
	if s := transport.JoinForStatus(status, msgs...); s != "" {
		return s
	}
	switch sm := strings.TrimSpace(string(e.StatusMessage)); {
	case sm != "" && !genericStatus(sm):
		return sm
	case key != "":
		return key
	}
	return http.StatusText(status)
}

func genericStatus(s string) bool {
	switch strings.ToLower(s) {
	case "error", "fail", "failed", "failure", "success", "ok":
		return true
	}
	return false
}

// errorObject reads Jelou's "error" member: its description, or else the
// English (then any) client or developer message; and its key or code.
func errorObject(raw json.RawMessage) (msgs []string, key string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return transport.Strings(raw), ""
	}
	var e struct {
		Description       json.RawMessage                 `json:"description"`
		Message           json.RawMessage                 `json:"message"`
		Key               transport.FlexString            `json:"key"`
		Code              transport.FlexString            `json:"code"`
		ClientMessages    map[string]transport.FlexString `json:"clientMessages"`
		DeveloperMessages map[string]transport.FlexString `json:"developerMessages"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return nil, ""
	}
	msgs = append(transport.Strings(e.Description), transport.Strings(e.Message)...)
	if len(msgs) == 0 {
		if m := pickLanguage(e.ClientMessages); m != "" {
			msgs = append(msgs, m)
		} else if m := pickLanguage(e.DeveloperMessages); m != "" {
			msgs = append(msgs, m)
		}
	}
	key = string(e.Key)
	if key == "" {
		key = string(e.Code)
	}
	return msgs, key
}

func pickLanguage(m map[string]transport.FlexString) string {
	for _, lang := range []string{"en", "en-US", "es"} {
		if s := strings.TrimSpace(string(m[lang])); s != "" {
			return s
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if s := strings.TrimSpace(string(m[k])); s != "" {
			return s
		}
	}
	return ""
}

// validationMessages renders Jelou's undocumented "validationError" member as
// "field: message" lines. It accepts a field→message map (values a string,
// a list, or an object with a message, nested up to a few levels) and a list
// of {"field"|"property"|"path", "message"|"constraints"} entries.
func validationMessages(field string, raw json.RawMessage, depth int) []string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || depth > 4 {
		return nil
	}
	prefix := func(msgs []string) []string {
		out := make([]string, len(msgs))
		for i, m := range msgs {
			out[i] = withField(field, m)
		}
		return out
	}
	switch raw[0] {
	case '"':
		return prefix(transport.Strings(raw))
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return nil
		}
		var out []string
		for _, it := range items {
			out = append(out, validationMessages(field, it, depth+1)...)
		}
		return out
	case '{':
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return nil
		}
		// An entry describing one field.
		name := ""
		for _, k := range []string{"field", "property", "path", "param", "key"} {
			if v, ok := obj[k]; ok {
				var s transport.FlexString
				if json.Unmarshal(v, &s) == nil && s != "" {
					name = string(s)
					break
				}
				var parts []transport.FlexString // Joi-style path: ["body", "webhookUrl"]
				if json.Unmarshal(v, &parts) == nil && len(parts) > 0 {
					name = string(parts[len(parts)-1])
					break
				}
			}
		}
		var msgs []string
		for _, k := range []string{"message", "msg", "description"} {
			msgs = append(msgs, transport.Strings(obj[k])...)
		}
		if c, ok := obj["constraints"]; ok { // class-validator: messages already name the field
			var cons map[string]string
			if json.Unmarshal(c, &cons) == nil {
				keys := make([]string, 0, len(cons))
				for k := range cons {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				for _, k := range keys {
					msgs = append(msgs, cons[k])
				}
				return msgs
			}
		}
		if len(msgs) > 0 {
			if name == "" {
				name = field
			}
			out := make([]string, 0, len(msgs))
			for _, m := range msgs {
				out = append(out, withField(name, m))
			}
			return out
		}
		// A field → message(s) map.
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var out []string
		for _, k := range keys {
			out = append(out, validationMessages(k, obj[k], depth+1)...)
		}
		return out
	}
	return nil
}

// withField prefixes a validation message with its field, "field: message",
// unless the message already starts with the field's name (`webhookUrl must
// be…`, `"webhookUrl" must be…`).
func withField(field, msg string) string {
	if field == "" {
		return msg
	}
	rest, ok := strings.CutPrefix(strings.ToLower(strings.TrimLeft(msg, `"'`+"`")), strings.ToLower(field))
	if ok && (rest == "" || strings.IndexByte(` :"'`+"`", rest[0]) >= 0) {
		return msg
	}
	return field + ": " + msg
}
