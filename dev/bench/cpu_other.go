//go:build !unix

package bench

import "time"

// selfCPU is not measured outside Unix.
func selfCPU() time.Duration { return 0 }

// childrenCPU is not measured outside Unix.
func childrenCPU() time.Duration { return 0 }
