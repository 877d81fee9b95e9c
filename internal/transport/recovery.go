package transport

import (
	"strings"
	"time"
)

// CreateClockSkew is how much earlier than the moment a client first sent a
// create an object's server-side creation time may be and still count as
// made by that create. The two clocks are different machines' (ours and the
// API's); NTP keeps them well within this, and the server truncates times
// (to milliseconds, typically). The tolerance is small on purpose: every
// second of it widens the window in which an identical object made by
// someone else just before could be mistaken for ours.
const CreateClockSkew = time.Minute

// ResendBudget turns a MaxRetries setting, with the meaning it has in
// Options (0: DefaultMaxRetries; negative: none), into the number of times a
// client may send again a create it has proven did not land.
func ResendBudget(maxRetries int) int {
	switch {
	case maxRetries == 0:
		return DefaultMaxRetries
	case maxRetries < 0:
		return 0
	}
	return maxRetries
}

// ParseTimestamp reads an API's ISO-8601 / RFC 3339 timestamp, with or
// without fractional seconds. It reports false for anything else, including
// an empty string: a caller proving when something was created must then
// treat it as unproven.
func ParseTimestamp(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// CreatedSince reports whether createdAt (an API timestamp) is at or after
// sent, less CreateClockSkew. ok is false when createdAt cannot be read.
func CreatedSince(createdAt string, sent time.Time) (since, ok bool) {
	t, ok := ParseTimestamp(createdAt)
	if !ok {
		return false, false
	}
	return !t.Before(sent.Add(-CreateClockSkew)), true
}
