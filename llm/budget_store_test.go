package llm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/store/storetest"
)

// Many callers at once, from several guilds, against budgets kept in the
// real store: the tokens spent never pass either budget, and every call
// that does not run is refused as a spent budget. The endpoint reports
// usage as a real one does, each answer as long as its cap allows (the
// worst case), so a reservation too small would show.
func TestConcurrentCallersNeverPassTheBudget(t *testing.T) {
	t.Parallel()
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	checkBudgetsHold(t, worstCaseServer(t), st, st)
}

// Two replicas, each with its own LLM client and its own connection to
// one database, hold the budgets in sum: their reservations are in the
// store, where each sees the other's.
func TestReplicasNeverPassTheBudgetTogether(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, be storetest.Backend) {
		where := be.NewDB(t)
		checkBudgetsHold(t, worstCaseServer(t), be.OpenAt(t, where), be.OpenAt(t, where))
	})
}

// worstCaseServer is an OpenAI-compatible endpoint whose every answer uses
// all of its cap, with its prompt counted at four characters a token.
func worstCaseServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct {
				Content string `json:"content"`
			} `json:"messages"`
			MaxTokens int `json:"max_tokens"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		prompt := 0
		for _, m := range req.Messages {
			prompt += (utf8.RuneCountInString(m.Content) + 3) / 4
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"c1","object":"chat.completion","created":1700000000,"model":"m",`+
			`"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"length"}],`+
			`"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}`,
			prompt, req.MaxTokens, prompt+req.MaxTokens)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// checkBudgetsHold runs 60 callers of 5 guilds at once, spread over one
// client per store given (the replicas), and checks the budgets held.
func checkBudgetsHold(t *testing.T, srv *httptest.Server, stores ...*store.Store) {
	t.Helper()
	ctx := context.Background()
	const (
		total, perGuild = 1500, 400
		guilds, callers = 5, 60
	)
	clock := func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }
	var clients []*llm.Client
	for _, st := range stores {
		c := llm.New(llm.Config{
			BaseURL: srv.URL + "/v1", Model: "m", MaxConcurrency: 16, Now: clock,
			DailyTokenBudget: total, GuildDailyTokenBudget: perGuild,
		}, st)
		t.Cleanup(c.Close)
		clients = append(clients, c)
	}

	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		ok      int
		refused int
	)
	prompt := strings.Repeat("Talks resume in Oman on Saturday. ", 3)
	for i := range callers {
		c := clients[i%len(clients)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := llm.Request{
				Messages:  []llm.Message{{Role: "user", Content: prompt}},
				MaxTokens: 60,
				Guild:     fmt.Sprintf("g%d", i%guilds),
			}
			_, err := c.Complete(ctx, req)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case llm.Classify(err) == llm.KindBudgetSpent:
				refused++
			default:
				t.Errorf("call %d: %v", i, err)
			}
		}()
	}
	wg.Wait()

	st := stores[0]
	day := clock().Format(store.DayFormat)
	spent, err := st.TokensUsedAll(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	if spent > total {
		t.Errorf("%d tokens spent, over the budget of %d", spent, total)
	}
	for g := range guilds {
		n, err := st.TokensUsed(ctx, day, fmt.Sprintf("g%d", g))
		if err != nil {
			t.Fatal(err)
		}
		if n > perGuild {
			t.Errorf("guild g%d spent %d tokens, over its budget of %d", g, n, perGuild)
		}
	}
	// Each call costs about 85 tokens: the guild budgets let about 20 run,
	// the overall one about 17; the rest are refused, none fails otherwise.
	if ok == 0 || refused == 0 || ok+refused != callers {
		t.Errorf("%d calls ran, %d refused, of %d", ok, refused, callers)
	}
	if spent < total/2 {
		t.Errorf("only %d of %d tokens spent: the budget refuses too much", spent, total)
	}
	// Every reservation was released: a call made now sees the whole
	// remaining budget (the store is asked directly).
	var reserved int
	if _, err := st.ReserveTokens(ctx, day, "g0", 0, clock(), clock(), func(_, r, _, _ int) bool { reserved = r; return false }); err != nil {
		t.Fatal(err)
	}
	if reserved != 0 {
		t.Errorf("%d tokens still reserved after every call settled", reserved)
	}
}
