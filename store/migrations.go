package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations is the schema history, applied in order. Migration i (counting
// from 1) is recorded as version i in schema_migrations once it has run.
// Append new migrations at the end; never edit or reorder applied ones.
// Every migration has its PostgreSQL twin under the same number in
// pgMigrations (migrations_pg.go): append to both lists together.
var migrations = []string{
	// 1: documents and their full-text indexes.
	//
	// n is an explicit INTEGER PRIMARY KEY so that the rowids the external
	// content FTS tables point to stay stable (VACUUM may renumber implicit
	// rowids). body comes last so that reading the small columns never follows
	// the body's overflow pages. Times are Unix nanoseconds, UTC; published is
	// NULL when unknown.
	`CREATE TABLE documents (
		n         INTEGER PRIMARY KEY,
		id        TEXT NOT NULL UNIQUE,
		title     TEXT NOT NULL,
		source    TEXT NOT NULL,
		url       TEXT NOT NULL,
		language  TEXT NOT NULL,
		tags      TEXT NOT NULL,
		published INTEGER,
		added     INTEGER NOT NULL,
		hash      TEXT NOT NULL,
		body      TEXT NOT NULL
	);
	CREATE INDEX documents_id_nocase ON documents (id COLLATE NOCASE);
	CREATE INDEX documents_recent ON documents (coalesce(published, added));
	CREATE INDEX documents_added ON documents (added);

	CREATE VIRTUAL TABLE documents_fts USING fts5 (
		title, body,
		content = 'documents', content_rowid = 'n',
		tokenize = 'porter unicode61 remove_diacritics 2'
	);
	INSERT INTO documents_fts (documents_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0)');

	CREATE VIRTUAL TABLE titles_fts USING fts5 (
		title,
		content = 'documents', content_rowid = 'n',
		tokenize = 'porter unicode61 remove_diacritics 2',
		prefix = '1 2 3'
	);

	CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
		INSERT INTO documents_fts (rowid, title, body) VALUES (new.n, new.title, new.body);
		INSERT INTO titles_fts (rowid, title) VALUES (new.n, new.title);
	END;
	CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
		INSERT INTO documents_fts (documents_fts, rowid, title, body) VALUES ('delete', old.n, old.title, old.body);
		INSERT INTO titles_fts (titles_fts, rowid, title) VALUES ('delete', old.n, old.title);
	END;
	CREATE TRIGGER documents_au_text AFTER UPDATE OF title, body ON documents
	WHEN old.title IS NOT new.title OR old.body IS NOT new.body BEGIN
		INSERT INTO documents_fts (documents_fts, rowid, title, body) VALUES ('delete', old.n, old.title, old.body);
		INSERT INTO documents_fts (rowid, title, body) VALUES (new.n, new.title, new.body);
	END;
	CREATE TRIGGER documents_au_title AFTER UPDATE OF title ON documents
	WHEN old.title IS NOT new.title BEGIN
		INSERT INTO titles_fts (titles_fts, rowid, title) VALUES ('delete', old.n, old.title);
		INSERT INTO titles_fts (rowid, title) VALUES (new.n, new.title);
	END;`,

	// 2: cache of generated briefs, keyed by the caller.
	`CREATE TABLE briefs (
		key     TEXT PRIMARY KEY,
		doc_id  TEXT NOT NULL,
		data    BLOB NOT NULL,
		updated INTEGER NOT NULL
	);
	CREATE INDEX briefs_doc_id ON briefs (doc_id);`,

	// 3: LLM token usage per UTC day and guild ('' for the command line).
	`CREATE TABLE usage (
		day               TEXT NOT NULL,
		guild             TEXT NOT NULL,
		calls             INTEGER NOT NULL,
		prompt_tokens     INTEGER NOT NULL,
		completion_tokens INTEGER NOT NULL,
		PRIMARY KEY (day, guild)
	) WITHOUT ROWID;`,

	// 4: digest schedules, editions and what each channel was sent. An
	// edition's row is its claim: it is inserted before anything is posted,
	// with the messages to post, so a restart posts exactly what was claimed
	// (with the same nonces) instead of building a second digest.
	`CREATE TABLE digest_schedules (
		channel_id TEXT PRIMARY KEY,
		guild_id   TEXT NOT NULL,
		times      TEXT NOT NULL,
		zone       TEXT NOT NULL,
		paused     TEXT NOT NULL DEFAULT '',
		created    INTEGER NOT NULL
	);
	CREATE TABLE digest_editions (
		key        TEXT PRIMARY KEY,
		channel_id TEXT NOT NULL,
		due_at     INTEGER NOT NULL,
		status     TEXT NOT NULL CHECK (status IN ('claimed', 'posted', 'missed', 'failed')),
		reason     TEXT NOT NULL DEFAULT '',
		updated    INTEGER NOT NULL
	);
	CREATE INDEX digest_editions_channel ON digest_editions (channel_id, due_at);
	CREATE TABLE digest_parts (
		edition_key TEXT NOT NULL REFERENCES digest_editions (key) ON DELETE CASCADE,
		idx         INTEGER NOT NULL,
		nonce       TEXT NOT NULL,
		content     TEXT NOT NULL,
		message_id  TEXT NOT NULL DEFAULT '',
		PRIMARY KEY (edition_key, idx)
	);
	CREATE TABLE digest_sent (
		channel_id  TEXT NOT NULL,
		doc_id      TEXT NOT NULL,
		hash        TEXT NOT NULL,
		edition_key TEXT NOT NULL,
		PRIMARY KEY (channel_id, doc_id)
	) WITHOUT ROWID;`,

	// 5: the title index for Autocomplete without stemming: Porter turns
	// partly typed words into stems that are no prefix of the full word's
	// stem ("presiden" stays, "president" becomes "presid"), so prefix
	// queries missed. The triggers of migration 1 keep feeding it.
	`DROP TABLE titles_fts;
	CREATE VIRTUAL TABLE titles_fts USING fts5 (
		title,
		content = 'documents', content_rowid = 'n',
		tokenize = 'unicode61 remove_diacritics 2',
		prefix = '1 2 3'
	);
	INSERT INTO titles_fts (titles_fts) VALUES ('rebuild');`,

	// 6: the schedule the environment set (DIGEST_CHANNEL_ID), so that it is
	// removed when the environment no longer names it. At most one row.
	// created is the schedule's own created time: a schedule replaced since
	// by /digest-schedule set has another, and belongs to its new author.
	// And the problems of the documents folder last reported, so that each is
	// reported once, not again by every command or restart.
	`CREATE TABLE default_schedule (
		channel_id TEXT PRIMARY KEY,
		created    INTEGER NOT NULL
	);
	CREATE TABLE corpus_warnings (
		file   TEXT NOT NULL,
		reason TEXT NOT NULL,
		kept   INTEGER NOT NULL,
		PRIMARY KEY (file, reason)
	) WITHOUT ROWID;`,

	// 7: live news. A document's origin says where it came from: 'seed'
	// (the embedded documents or SEEDS_DIR, which SyncDocuments makes the
	// index equal to) or 'web' (feeds and ingested pages, which a seed sync
	// never removes; DOCS_MAX_AGE prunes them). feeds are the sources with
	// their health; key is the canonical URL (duplicates), url the URL as
	// written (some servers need their exact query). web_documents are what
	// a web document keeps beyond the documents row; web_items map each item
	// key (GUID or canonical link) to its document with the item's own
	// fingerprint, so the same article reached through two feeds with two
	// GUIDs is one document and neither feed refetches it. An item row
	// outlives its pruned document for a while, so an old item still in a
	// feed is not fetched again. meta holds small named values (the hash of
	// the FEEDS_OPML file last imported).
	`ALTER TABLE documents ADD COLUMN origin TEXT NOT NULL DEFAULT 'seed';
	CREATE INDEX documents_origin_age ON documents (origin, coalesce(published, added));
	CREATE TABLE feeds (
		key           TEXT PRIMARY KEY,
		url           TEXT NOT NULL UNIQUE,
		title         TEXT NOT NULL,
		added         INTEGER NOT NULL,
		etag          TEXT NOT NULL DEFAULT '',
		last_modified TEXT NOT NULL DEFAULT '',
		last_polled   INTEGER,
		last_status   TEXT NOT NULL DEFAULT '',
		failures      INTEGER NOT NULL DEFAULT 0,
		next_poll     INTEGER,
		scheduled     INTEGER NOT NULL DEFAULT 0
	);
	CREATE TABLE web_documents (
		doc_id TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
		link   TEXT NOT NULL,
		feed   TEXT NOT NULL,
		byline TEXT NOT NULL
	);
	CREATE INDEX web_documents_link ON web_documents (link) WHERE link <> '';
	CREATE INDEX web_documents_feed ON web_documents (feed);
	CREATE TABLE web_items (
		key       TEXT PRIMARY KEY,
		doc_id    TEXT NOT NULL,
		item_hash TEXT NOT NULL,
		text_hash TEXT NOT NULL,
		saved     INTEGER NOT NULL
	);
	CREATE INDEX web_items_doc ON web_items (doc_id);
	CREATE TABLE meta (
		key   TEXT PRIMARY KEY,
		value TEXT NOT NULL
	) WITHOUT ROWID;`,

	// 8: stories (issue 11). story_docs holds each document's story as the
	// grouper decided (always a story that was not merged away); seq is the
	// order of first assignment, the order to replay the documents in at
	// start to rebuild the same stories. story_aliases maps a merged story
	// to the story it went into (one step: merging updates the older
	// aliases), so an ID once given out keeps resolving.
	`CREATE TABLE story_docs (
		doc_id   TEXT PRIMARY KEY,
		story_id TEXT NOT NULL,
		seq      BIGINT NOT NULL
	);
	CREATE INDEX story_docs_story ON story_docs (story_id);
	CREATE TABLE story_aliases (
		story_id TEXT PRIMARY KEY,
		into_id  TEXT NOT NULL
	);
	CREATE INDEX story_aliases_into ON story_aliases (into_id);`,

	// 9: coordination between replicas sharing one database (issue 12).
	// An edition's claim gets an owner and a lease: the replica posting it
	// renews the lease before each message, and another replica finishes
	// the edition (with the same nonces) only once the lease has run out.
	// leases are named leases on anything else one replica at a time should
	// do (generating a Brief, polling a feed). token_reservations are the
	// tokens LLM calls in flight may still spend, counted by every replica's
	// budget; budget_locks holds one row per day whose update serialises
	// reservations (the row lock, on PostgreSQL; SQLite has one writer).
	// Times are Unix nanoseconds.
	`ALTER TABLE digest_editions ADD COLUMN owner TEXT NOT NULL DEFAULT '';
	ALTER TABLE digest_editions ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
	CREATE TABLE leases (
		name        TEXT PRIMARY KEY,
		owner       TEXT NOT NULL,
		lease_until BIGINT NOT NULL
	);
	CREATE TABLE budget_locks (
		day TEXT PRIMARY KEY,
		n   BIGINT NOT NULL
	);
	CREATE TABLE token_reservations (
		id      TEXT PRIMARY KEY,
		day     TEXT NOT NULL,
		guild   TEXT NOT NULL,
		tokens  BIGINT NOT NULL,
		expires BIGINT NOT NULL
	);
	CREATE INDEX token_reservations_day ON token_reservations (day, guild);
	CREATE INDEX token_reservations_expires ON token_reservations (expires);`,

	// 10: an index on story_docs.seq: each new row takes the highest seq
	// plus one, which without it scanned the table (rebuilding 10,000
	// documents' stories spent most of its writing time there).
	`CREATE INDEX story_docs_seq ON story_docs (seq);`,

	// 11: which document a story's document is a near-identical copy of
	// ('' for an original), as the grouper found: reading a story's
	// sources (copies count once) then needs no grouper in the process.
	`ALTER TABLE story_docs ADD COLUMN copy_of TEXT NOT NULL DEFAULT '';`,

	// Append the next migration here, and its PostgreSQL twin at the end
	// of pgMigrations under the same number.
}

// migrate applies the migrations of list the database has not seen yet,
// each in its own transaction together with its version row, on one
// connection of pool.
//
// Several processes may open one database at once. On SQLite the check of
// a version runs inside an immediate transaction, which writers take one at
// a time. On PostgreSQL the whole run holds an advisory lock, so that
// replicas starting together migrate one after the other: the second finds
// every version recorded.
func migrate(ctx context.Context, d dialect, pool *sql.DB, list []string) error {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: cannot migrate: %w", err)
	}
	defer conn.Close()
	if d == postgres {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrateLockKey); err != nil {
			return fmt.Errorf("store: cannot lock for migrations: %w", err)
		}
		// Unlocked with a fresh context: a cancelled ctx must not leave the
		// session holding the lock (the connection goes back to the pool).
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLockKey) //nolint:errcheck // the session ends with the connection at worst
	}
	if _, err := conn.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`); err != nil {
		return fmt.Errorf("store: cannot create schema_migrations: %w", err)
	}
	for i, m := range list {
		version := i + 1
		if err := applyMigration(ctx, d, conn, version, m); err != nil {
			return fmt.Errorf("store: migration %d: %w", version, err)
		}
	}
	return nil
}

// migrateLockKey is the PostgreSQL advisory lock taken while migrating: an
// arbitrary constant ("geobrief" in ASCII, cut to 63 bits).
const migrateLockKey int64 = 0x67656f6272696566

func applyMigration(ctx context.Context, d dialect, conn *sql.Conn, version int, stmt string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit

	// Checked inside the (immediate) transaction so that two processes opening
	// the same database cannot both apply it.
	var n int
	if err := tx.QueryRowContext(ctx,
		d.q(`SELECT count(*) FROM schema_migrations WHERE version = ?`), version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	// Not rebound: migrations take no parameters, and the PostgreSQL
	// ones hold function bodies.
	if _, err := tx.ExecContext(ctx, stmt); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx,
		d.q(`INSERT INTO schema_migrations (version) VALUES (?)`), version); err != nil {
		return err
	}
	return tx.Commit()
}
