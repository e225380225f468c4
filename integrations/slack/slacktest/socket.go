package slacktest

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/gorilla/websocket"
)

// AppToken is the app-level token the fake accepts for Socket Mode.
const AppToken = "xapp-test-token"

// socket is the fake's side of Socket Mode: apps.connections.open hands out
// a WebSocket URL on the fake, which says hello, sends the envelopes a test
// pushes, and records the acknowledgements.
type socket struct {
	mu    sync.Mutex
	conns []*wsConn
	acks  []json.RawMessage
	opens int
}

type wsConn struct {
	mu sync.Mutex // gorilla connections allow one writer at a time
	c  *websocket.Conn
}

func (w *wsConn) write(v any) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.c.WriteJSON(v)
}

// openSocket answers apps.connections.open (a JSON POST with the app token).
func (s *Server) openSocket(w http.ResponseWriter, r *http.Request) {
	if strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") != AppToken {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(errBody("invalid_auth"))
		return
	}
	s.sock.mu.Lock()
	s.sock.opens++
	s.sock.mu.Unlock()
	u := "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/socket"
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": u})
}

// serveSocket is the WebSocket end of a Socket Mode connection.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	c, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	conn := &wsConn{c: c}
	s.sock.mu.Lock()
	s.sock.conns = append(s.sock.conns, conn)
	s.sock.mu.Unlock()
	defer s.dropConn(conn)
	if err := conn.write(map[string]any{"type": "hello", "num_connections": 1,
		"connection_info": map[string]string{"app_id": "A0WARROOM"}}); err != nil {
		return
	}
	for {
		_, b, err := c.ReadMessage()
		if err != nil {
			return
		}
		s.sock.mu.Lock()
		s.sock.acks = append(s.sock.acks, json.RawMessage(b))
		s.sock.mu.Unlock()
	}
}

func (s *Server) dropConn(conn *wsConn) {
	s.sock.mu.Lock()
	defer s.sock.mu.Unlock()
	for i, c := range s.sock.conns {
		if c == conn {
			s.sock.conns = append(s.sock.conns[:i], s.sock.conns[i+1:]...)
			break
		}
	}
	_ = conn.c.Close()
}

// SocketSend sends a Socket Mode envelope (type slash_commands,
// interactive or events_api) over the newest connection.
func (s *Server) SocketSend(envelopeID, typ string, payload json.RawMessage) error {
	s.sock.mu.Lock()
	var conn *wsConn
	if n := len(s.sock.conns); n > 0 {
		conn = s.sock.conns[n-1]
	}
	s.sock.mu.Unlock()
	if conn == nil {
		return errors.New("no socket mode connection")
	}
	return conn.write(map[string]any{"envelope_id": envelopeID, "type": typ, "payload": payload,
		"accepts_response_payload": typ != "events_api", "retry_attempt": 0})
}

// SocketConnected reports the live connections and how many were opened.
func (s *Server) SocketConnected() (live, opened int) {
	s.sock.mu.Lock()
	defer s.sock.mu.Unlock()
	return len(s.sock.conns), s.sock.opens
}

// SocketAcks returns the acknowledgements received, oldest first.
func (s *Server) SocketAcks() []json.RawMessage {
	s.sock.mu.Lock()
	defer s.sock.mu.Unlock()
	return append([]json.RawMessage(nil), s.sock.acks...)
}

// DropSockets closes every Socket Mode connection, as Slack does when it
// rotates them.
func (s *Server) DropSockets() {
	s.sock.mu.Lock()
	conns := append([]*wsConn(nil), s.sock.conns...)
	s.sock.mu.Unlock()
	for _, c := range conns {
		_ = c.c.Close()
	}
}
