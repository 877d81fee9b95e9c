package jurichat

import "time"

// SetSettleTimeout shortens the bound of settling a stopped operation, for tests.
func SetSettleTimeout(c *Client, d time.Duration) { c.settleTimeout = d }
