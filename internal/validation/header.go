package validation

import "strings"

// HeaderName reports whether name can be an HTTP header field name: a
// non-empty token of RFC 9110 section 5.6.2 (letters, digits and
// !#$%&'*+-.^_`|~).
func HeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range []byte(name) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
