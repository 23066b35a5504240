package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/discord/discordfake"
)

// `geobrief bot` with DISCORD_SHARD_ID=1 and DISCORD_SHARD_COUNT=2 is shard
// 1 of 2 on the gateway: it identifies with [1, 2], leaves the command
// registration to shard 0, and still stops cleanly on SIGTERM.
func TestBotProcessIdentifiesAsItsShard(t *testing.T) {
	bin := geobriefBinary(t)
	dir := t.TempDir()
	fake := discordfake.New()
	defer fake.Close()

	cmd := geobriefCommand(bin, "bot", dir,
		"DISCORD_TOKEN=shard-token",
		"DISCORD_API_URL="+fake.URL(),
		"DISCORD_GUILD_ID=700000000000000001",
		"DISCORD_SHARD_ID=1",
		"DISCORD_SHARD_COUNT=2",
	)
	logs := newWatchedLog()
	exited := startProcess(t, cmd, logs)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := logs.wait(ctx, "discord bot ready"); err != nil {
		t.Fatalf("the bot never became ready: %v", err)
	}
	// The fake records an Identify just after it sends READY: wait for
	// the connection it records with it.
	if err := fake.WaitConnected(ctx); err != nil {
		t.Fatalf("the fake never recorded the connection: %v", err)
	}
	ids := fake.Identifies()
	if len(ids) != 1 {
		t.Fatalf("%d identifies, want 1", len(ids))
	}
	var id struct {
		Shard *[2]int `json:"shard"`
	}
	if err := json.Unmarshal(ids[0], &id); err != nil || id.Shard == nil || *id.Shard != [2]int{1, 2} {
		t.Errorf("identified with %s, want shard [1,2]", ids[0])
	}
	for _, r := range fake.Requests() {
		if r.Method == http.MethodPut && strings.HasSuffix(r.Path, "/commands") {
			t.Errorf("shard 1 registered the commands (%s): that is shard 0's job", r.Path)
		}
	}
	if !strings.Contains(logs.String(), "shard_id=1 shard_count=2") {
		t.Error("the ready line does not say which shard this is")
	}
	if err := terminate(ctx, cmd, exited); err != nil {
		t.Fatal(err)
	}
}

// A shard the count does not have stops the bot at start, exit code 2,
// before anything connects.
func TestBotRefusesAShardOutsideTheCount(t *testing.T) {
	t.Parallel()
	_, errOut, code := runCLI(t, map[string]string{"DISCORD_TOKEN": "x", "DISCORD_SHARD_ID": "2", "DISCORD_SHARD_COUNT": "2"}, "bot")
	if code != 2 || !strings.Contains(errOut, "invalid setting DISCORD_SHARD_ID") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}
