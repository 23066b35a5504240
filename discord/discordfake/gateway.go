package discordfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// conn is one gateway client. Writes go through write, one at a time.
type conn struct {
	ws      *websocket.Conn
	writeMu sync.Mutex
	seq     int64  // guarded by writeMu: sequence numbers follow write order
	token   string // the token it identified with
}

type payload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

func (c *conn) write(p payload) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	return c.writeLocked(p)
}

func (c *conn) writeLocked(p payload) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if err := c.ws.WriteJSON(p); err != nil {
		return fmt.Errorf("discordfake: write op %d: %w", p.Op, err)
	}
	return nil
}

// dispatch writes an event and returns when its write began.
func (c *conn) dispatch(t string, d json.RawMessage) (time.Time, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.seq++
	s := c.seq
	start := time.Now()
	return start, c.writeLocked(payload{Op: 0, T: t, S: &s, D: d})
}

func (f *Server) websocket(w http.ResponseWriter, r *http.Request) {
	ws, err := f.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &conn{ws: ws}
	defer func() {
		ws.Close()
		f.mu.Lock()
		f.conns = slices.DeleteFunc(f.conns, func(x *conn) bool { return x == c })
		f.notify()
		f.mu.Unlock()
	}()

	hello, _ := json.Marshal(map[string]int64{"heartbeat_interval": f.HeartbeatInterval.Milliseconds()})
	if c.write(payload{Op: 10, D: hello}) != nil {
		return
	}

	// The client must identify first.
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	var id payload
	if err := ws.ReadJSON(&id); err != nil || id.Op != 2 {
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4003, "Not authenticated."), time.Now().Add(time.Second))
		return
	}
	_ = ws.SetReadDeadline(time.Time{})
	var ident struct {
		Token string `json:"token"`
		Shard []int  `json:"shard"`
	}
	_ = json.Unmarshal(id.D, &ident)
	c.token = ident.Token
	shard := []int{0, 1}
	if len(ident.Shard) == 2 {
		shard = ident.Shard
	}
	// The Identify is on record before READY goes out, so that a client
	// that has seen READY finds its Identify in Identifies. The connection
	// joins those that dispatches go to only after READY, which Discord
	// sends first.
	f.mu.Lock()
	f.identify = append(f.identify, id.D)
	f.mu.Unlock()
	ready, _ := json.Marshal(map[string]any{
		"v":          9,
		"session_id": "fake-session-" + f.NewID(),
		"user":       map[string]any{"id": f.BotUserID, "username": "geobrief", "discriminator": "0", "bot": true},
		"application": map[string]any{
			"id":    f.AppID,
			"flags": 0,
		},
		"guilds": []any{},
		"shard":  shard,
	})
	if _, err := c.dispatch("READY", ready); err != nil {
		return
	}
	f.mu.Lock()
	f.conns = append(f.conns, c)
	f.notify()
	f.mu.Unlock()

	for {
		var p payload
		if err := ws.ReadJSON(&p); err != nil {
			return // client closed or went away
		}
		if p.Op == 1 { // heartbeat
			f.beats.Add(1)
			f.mu.Lock()
			f.notify()
			f.mu.Unlock()
			if c.write(payload{Op: 11, D: json.RawMessage("null")}) != nil {
				return
			}
		}
	}
}
