package transport

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzFlexString: any JSON value decodes without panic (objects and arrays
// refused, with an error that does not quote them), and a string value
// round-trips through encoding/json.
func FuzzFlexString(f *testing.F) {
	for _, s := range []string{`"abc"`, `123`, `-1.5e3`, `true`, `null`, `{"a":1}`, `["x"]`, `"\u00e9\ud83d\ude00"`, `""`} {
		f.Add([]byte(s), "plain")
	}
	f.Fuzz(func(t *testing.T, raw []byte, s string) {
		var v FlexString
		if err := json.Unmarshal(raw, &v); err == nil && len(raw) > 0 && json.Valid(raw) {
			var check any
			_ = json.Unmarshal(raw, &check)
			if str, ok := check.(string); ok && string(v) != str {
				t.Fatalf("string %s decoded as %q, want %q", raw, v, str)
			}
		} else if err != nil && len(raw) >= 8 && strings.Contains(err.Error(), string(raw)) {
			t.Fatalf("the error quotes the input: %v", err)
		}

		enc, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back FlexString
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatalf("%s: %v", enc, err)
		}
		var want string
		_ = json.Unmarshal(enc, &want) // invalid UTF-8 comes back as U+FFFD, as for a plain string
		if string(back) != want {
			t.Fatalf("%q round-tripped as %q", want, back)
		}
	})
}
