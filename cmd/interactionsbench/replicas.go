package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/geobrief/geobrief/cmd/internal/loopback"
	"github.com/geobrief/geobrief/cmd/internal/pgschema"
	"github.com/geobrief/geobrief/corpus"
)

// A serveCluster is N `geobrief serve` processes (the real binary) on one
// PostgreSQL schema, behind a round-robin reverse proxy: what issue 12
// deploys, on loopback.
type serveCluster struct {
	n      int
	procs  []*exec.Cmd
	exits  []chan error
	proxy  *httptest.Server
	schema *pgschema.Schema // the replicas' store
}

// buildGeobrief builds the geobrief binary into dir.
func buildGeobrief(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "geobrief")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/geobrief/geobrief/cmd/geobrief").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./cmd/geobrief: %v\n%s", err, out)
	}
	return bin, nil
}

// writeSeeds writes docs as a SEEDS_DIR folder (one file each, with front
// matter), so that every replica loads the same documents.
func writeSeeds(dir string, docs []corpus.Document) error {
	for _, d := range docs {
		text := fmt.Sprintf("---\ntitle: %s\nsource: %s\nurl: %s\npublished: %s\n---\n%s\n",
			d.Title, d.Source, d.URL, d.Published.UTC().Format(time.RFC3339), d.Body)
		if err := os.WriteFile(filepath.Join(dir, d.ID+".md"), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// clusterConfig is what every replica of a cluster shares.
type clusterConfig struct {
	bin, seeds, dbURL, discordURL, publicKey, llmURL string
	workers                                          int
}

// startCluster starts n replicas on a fresh schema and returns once every
// one is ready (/healthz 200).
func startCluster(ctx context.Context, n int, cfg clusterConfig) (*serveCluster, error) {
	schema, err := pgschema.Create(ctx, cfg.dbURL, "bench")
	if err != nil {
		return nil, err
	}
	dbURL := schema.URL
	c := &serveCluster{n: n, schema: schema}
	addrs, err := loopback.FreeAddrs(n)
	if err != nil {
		c.stop()
		return nil, err
	}
	backends := make([]*url.URL, n)
	for k, addr := range addrs {
		dir, err := os.MkdirTemp("", "interactionsbench-replica")
		if err != nil {
			c.stop()
			return nil, err
		}
		cmd := exec.Command(cfg.bin, "serve")
		cmd.Dir = dir
		cmd.Env = []string{
			"PATH=" + os.Getenv("PATH"),
			"HOME=" + dir,
			"DATA_DIR=" + filepath.Join(dir, "data"),
			"DATABASE_URL=" + dbURL,
			"SEEDS_DIR=" + cfg.seeds,
			"SEEDS_POLL_INTERVAL=1h", // the folder does not change during the run
			"DISCORD_TOKEN=serve-token",
			"DISCORD_API_URL=" + cfg.discordURL,
			"DISCORD_GUILD_ID=700000000000000001",
			"DISCORD_PUBLIC_KEY=" + cfg.publicKey,
			"DISCORD_WORKERS=" + fmt.Sprint(cfg.workers),
			"DISCORD_USER_RATE_PER_MINUTE=1000",
			"INTERACTIONS_ADDR=" + addr,
			"OPENAI_BASE_URL=" + cfg.llmURL,
			"LLM_MODEL=mock",
			"LLM_MAX_CONCURRENCY=64",
			"LOG_LEVEL=error",
		}
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			c.stop()
			return nil, err
		}
		// Closed after the exit is sent: WaitHealthy may take the one value
		// (a replica that died starting), and stop must not wait for it again.
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait(); close(exited); os.RemoveAll(dir) }()
		c.procs, c.exits = append(c.procs, cmd), append(c.exits, exited)
		backends[k] = &url.URL{Scheme: "http", Host: addr}
	}
	for k, b := range backends {
		if err := loopback.WaitHealthy(ctx, b.String()+"/healthz", c.exits[k]); err != nil {
			c.stop()
			return nil, fmt.Errorf("replica %d of %d: %w", k+1, n, err)
		}
	}
	// The load balancer: each request to the next replica in turn, over
	// kept connections.
	var next atomic.Uint64
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	c.proxy = httptest.NewServer(&httputil.ReverseProxy{
		Transport: tr,
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(backends[int(next.Add(1)-1)%n])
		},
	})
	return c, nil
}

// endpoint is the load balancer's /interactions URL.
func (c *serveCluster) endpoint() string { return c.proxy.URL + "/interactions" }

// stop ends every replica as a deploy does (SIGTERM, then its drain) and
// drops the schema.
func (c *serveCluster) stop() {
	if c.proxy != nil {
		c.proxy.Close()
	}
	for _, p := range c.procs {
		_ = p.Process.Signal(syscall.SIGTERM)
	}
	for k, e := range c.exits {
		select {
		case <-e:
		case <-time.After(40 * time.Second):
			_ = c.procs[k].Process.Kill()
			<-e
		}
	}
	if err := c.schema.Drop(context.Background()); err != nil {
		fmt.Fprintf(os.Stderr, "interactionsbench: %v\n", err)
	}
}
