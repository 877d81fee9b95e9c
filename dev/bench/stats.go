package bench

import (
	"slices"
	"time"
)

// Stat summarises one measurement over several runs.
type Stat[T int64 | time.Duration | float64] struct {
	Median, Min, Max T
	N                int // how many values
}

// Summarise returns the median (the mean of the two middle values for an
// even count), minimum and maximum of values; the zero Stat for none.
func Summarise[T int64 | time.Duration | float64](values []T) Stat[T] {
	if len(values) == 0 {
		return Stat[T]{}
	}
	s := slices.Clone(values)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Stat[T]{Median: m, Min: s[0], Max: s[len(s)-1], N: len(s)}
}
