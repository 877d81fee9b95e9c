package transporttest

import (
	"net"
	"net/http"
)

// ResetConnection drops the connection behind w with a TCP reset, without
// answering: the client sees "connection reset by peer", as when a network
// or gateway fails. It does nothing where the connection cannot be taken
// over.
func ResetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
