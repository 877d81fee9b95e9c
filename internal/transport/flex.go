package transport

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// FlexString decodes a JSON string, number or boolean into its text, and
// null into "". APIs are not always consistent about whether an identifier
// is a string or a number; decoding wire structs with it keeps a type change
// on the server from failing every call.
type FlexString string

// UnmarshalJSON implements json.Unmarshaler.
func (s *FlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*s = ""
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = FlexString(v)
	case b[0] == '{' || b[0] == '[':
		return fmt.Errorf("expected a string, got a JSON %s", map[byte]string{'{': "object", '[': "array"}[b[0]])
	default: // number, true, false
		*s = FlexString(b)
	}
	return nil
}
