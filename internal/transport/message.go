package transport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Message length limits: text bodies are cut shorter than messages a vendor
// parser assembled from structured fields (several validation errors).
const (
	maxTextMessage = 300
	maxJSONMessage = 600
)

// HTMLMessage replaces an HTML error page (from a proxy or gateway), whose
// markup would be useless in an error.
const HTMLMessage = "the server returned an HTML error page"

// MessageFromBody turns an error response body into one readable line:
//   - empty body: the HTTP status text;
//   - JSON: parseJSON's sentence when it recognises the body, otherwise a
//     JSON string's value or the compact JSON itself, truncated, with the
//     value of every member named like a credential redacted;
//   - HTML: HTMLMessage, no markup;
//   - binary: a note with the size;
//   - other text: trimmed, on one line, truncated to about 300 characters.
func MessageFromBody(status int, contentType string, body []byte, parseJSON func(status int, body []byte) string) string {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return statusText(status)
	}
	if json.Valid(body) {
		if parseJSON != nil {
			if msg := OneLine(parseJSON(status, body), maxJSONMessage); msg != "" {
				return msg
			}
		}
		var s string
		if json.Unmarshal(body, &s) == nil {
			if msg := OneLine(s, maxTextMessage); msg != "" {
				return msg
			}
			return statusText(status)
		}
		var compact bytes.Buffer
		if json.Compact(&compact, redactCredentials(body)) == nil && compact.Len() > 2 { // not {} or []
			return OneLine(compact.String(), maxTextMessage)
		}
		return statusText(status)
	}
	if isHTML(contentType, body) {
		return HTMLMessage
	}
	if !isText(body) {
		return fmt.Sprintf("the server returned a non-text response (%d bytes)", len(body))
	}
	if msg := OneLine(string(body), maxTextMessage); msg != "" {
		return msg
	}
	return statusText(status)
}

// redactCredentials returns body with the value of every object member whose
// name says it holds a credential (see credentialName) replaced by
// "[redacted]": the compact-JSON fallback would otherwise repeat a signing
// secret or token a server echoed in an unrecognised error body, and the
// Requester's Redact list only knows the client's own credentials. body is
// valid JSON; it is returned unchanged when it holds no such member.
func redactCredentials(body []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	type span struct{ from, to int64 } // a member's ":value", after its name
	var spans []span
	var objects []bool // per open container: is it an object?
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				objects = append(objects, v == '{')
				expectKey = v == '{'
				continue
			default:
				objects = objects[:len(objects)-1]
			}
		case string:
			if expectKey {
				expectKey = false
				if credentialName(v) {
					from := dec.InputOffset()
					if skipValue(dec) != nil {
						return body
					}
					spans = append(spans, span{from, dec.InputOffset()})
					expectKey = true
				}
				continue
			}
		}
		// A value ended: in an object, a name comes next.
		expectKey = len(objects) > 0 && objects[len(objects)-1]
	}
	if len(spans) == 0 {
		return body
	}
	var out bytes.Buffer
	last := int64(0)
	for _, s := range spans {
		out.Write(body[last:s.from])
		out.WriteString(`:"[redacted]"`)
		last = s.to
	}
	out.Write(body[last:])
	return out.Bytes()
}

// skipValue reads one whole value (a scalar, or a container to its end).
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// credentialName reports whether a JSON member name says its value is a
// credential: secret, token, password, authorization, API key or credential,
// in any case, with or without - and _ (signingSecret, access_token, apiKey).
func credentialName(name string) bool {
	n := strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(name))
	for _, w := range []string{"secret", "token", "password", "passwd", "authorization", "apikey", "credential"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	return fmt.Sprintf("HTTP status %d", status)
}

func isHTML(contentType string, body []byte) bool {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return false
	}
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && (mt == "text/html" || mt == "application/xhtml+xml") {
		return true
	}
	head := body[:min(len(body), 1024)]
	lower := bytes.ToLower(head)
	if bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html")) {
		return true
	}
	return lower[0] == '<' && (bytes.Contains(lower, []byte("<html")) || bytes.Contains(lower, []byte("<body")) ||
		bytes.Contains(lower, []byte("<head")) || bytes.Contains(lower, []byte("<title")))
}

// isText reports whether body is UTF-8 without control characters other
// than white space.
func isText(body []byte) bool {
	if !utf8.Valid(body) {
		return false
	}
	for _, r := range string(body) {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// OneLine collapses white space and control characters into single spaces,
// trims, and truncates to maxRunes runes (ending with "…") when maxRunes > 0.
func OneLine(s string, maxRunes int) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError
	}), " ")
	if maxRunes > 0 && utf8.RuneCountInString(s) > maxRunes {
		runes := []rune(s)
		s = strings.TrimRightFunc(string(runes[:maxRunes-1]), unicode.IsSpace) + "…"
	}
	return s
}

// JoinMessages joins the non-empty messages with "; ", each on one line,
// dropping duplicates (compared case-insensitively, ignoring a final
// period). A message that is itself a "; "-joined list is deduplicated part
// by part, so a summary repeating the individual messages adds nothing.
func JoinMessages(msgs ...string) string {
	seen := make(map[string]bool, len(msgs))
	out := make([]string, 0, len(msgs))
	for _, m := range msgs {
		for _, part := range strings.Split(OneLine(m, 0), "; ") {
			part = strings.TrimSpace(part)
			key := strings.ToLower(strings.TrimRight(part, ". "))
			if key == "" || seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, part)
		}
	}
	return strings.Join(out, "; ")
}

// JoinForStatus is JoinMessages for an error body: a message that only
// repeats the status text ("error": "Bad Request" beside the real message)
// is dropped when another message remains.
func JoinForStatus(status int, msgs ...string) string {
	text := http.StatusText(status)
	var informative []string
	for _, m := range msgs {
		if t := strings.TrimSpace(m); t != "" && !strings.EqualFold(strings.TrimRight(t, "."), text) {
			informative = append(informative, m)
		}
	}
	if len(informative) > 0 {
		return JoinMessages(informative...)
	}
	return JoinMessages(msgs...)
}

// Strings reads a JSON value that APIs use for messages: a string, a number
// or boolean, an array of those, or objects carrying "message",
// "description", "msg" or "detail". Anything else yields nothing.
func Strings(raw json.RawMessage) []string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil && strings.TrimSpace(s) != "" {
			return []string{s}
		}
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return nil
		}
		var out []string
		for _, it := range items {
			out = append(out, Strings(it)...)
		}
		return out
	case '{':
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return nil
		}
		for _, k := range []string{"message", "description", "msg", "detail"} {
			if v, ok := obj[k]; ok {
				if s := Strings(v); len(s) > 0 {
					return s
				}
			}
		}
	case 'n': // null
	default: // number, true, false
		return []string{string(raw)}
	}
	return nil
}
