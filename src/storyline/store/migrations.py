"""Schema migrations, registered in order; each runs once and is recorded.

Written in the SQL common to SQLite and PostgreSQL so both backends share them.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "initial schema",
        [
            """CREATE TABLE articles (
                id TEXT PRIMARY KEY, seq INTEGER NOT NULL, source TEXT NOT NULL, url TEXT,
                title TEXT, published TEXT, published_from TEXT NOT NULL, updated TEXT,
                outlet TEXT, author TEXT, wire TEXT NOT NULL, cited TEXT NOT NULL,
                dateline TEXT, language TEXT, content_hash TEXT NOT NULL, text TEXT NOT NULL)""",
            "CREATE INDEX articles_hash ON articles(content_hash)",
            "CREATE INDEX articles_published ON articles(published)",
            """CREATE TABLE rejections (
                source TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (source, reason))""",
            """CREATE TABLE duplicates (
                article TEXT PRIMARY KEY, duplicate_of TEXT NOT NULL, kind TEXT NOT NULL,
                similarity REAL NOT NULL)""",
            """CREATE TABLE passages (
                id TEXT PRIMARY KEY, text TEXT NOT NULL, origin_article TEXT, origin_agency TEXT,
                articles TEXT NOT NULL)""",
            "CREATE TABLE analysed (article TEXT PRIMARY KEY)",
            """CREATE TABLE date_mentions (
                article TEXT NOT NULL, start_ INTEGER NOT NULL, end_ INTEGER NOT NULL, text TEXT NOT NULL,
                value TEXT, granularity TEXT NOT NULL, PRIMARY KEY (article, start_, end_))""",
            """CREATE TABLE mentions (
                article TEXT NOT NULL, start_ INTEGER NOT NULL, end_ INTEGER NOT NULL, text TEXT NOT NULL,
                type TEXT NOT NULL, PRIMARY KEY (article, start_, end_))""",
            """CREATE TABLE quotes (
                article TEXT NOT NULL, start_ INTEGER NOT NULL, end_ INTEGER NOT NULL, text TEXT NOT NULL,
                speaker TEXT, speaker_entity TEXT, cue TEXT, via TEXT NOT NULL, direct INTEGER NOT NULL,
                PRIMARY KEY (article, start_, end_))""",
            """CREATE TABLE entities (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, aliases TEXT NOT NULL,
                articles TEXT NOT NULL)""",
            """CREATE TABLE stories (id TEXT PRIMARY KEY, title TEXT NOT NULL, seq INTEGER NOT NULL)""",
            """CREATE TABLE events (
                id TEXT PRIMARY KEY, story TEXT NOT NULL, date TEXT, title TEXT NOT NULL, seq INTEGER NOT NULL)""",
            """CREATE TABLE event_articles (
                article TEXT PRIMARY KEY, event TEXT NOT NULL, seq INTEGER NOT NULL)""",
            "CREATE INDEX event_articles_event ON event_articles(event)",
            """CREATE TABLE audit (
                seq INTEGER NOT NULL, at TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL)""",
            """CREATE TABLE timeline_entries (
                story TEXT NOT NULL, rank INTEGER NOT NULL, date TEXT NOT NULL, summary TEXT NOT NULL,
                citations TEXT NOT NULL, sources INTEGER NOT NULL, event TEXT, PRIMARY KEY (story, rank))""",
        ],
    ),
    (
        2,
        "persistent dedupe index: keys and components for incremental duplicates and passages (issue 4)",
        [
            "CREATE TABLE dedupe_keys (key BIGINT NOT NULL, article TEXT NOT NULL)",
            "CREATE INDEX dedupe_keys_key ON dedupe_keys(key)",
            "CREATE INDEX dedupe_keys_article ON dedupe_keys(article)",
            "CREATE TABLE dedupe_components (article TEXT PRIMARY KEY, component TEXT NOT NULL)",
            "CREATE INDEX dedupe_components_component ON dedupe_components(component)",
            "CREATE INDEX passages_origin ON passages(origin_article)",
        ],
    ),
    (
        3,
        "cluster audit trail: every re-clustering change with its ids and reason (issue 5)",
        [
            """CREATE TABLE cluster_changes (
                seq INTEGER NOT NULL, at TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL,
                source TEXT NOT NULL, target TEXT NOT NULL, source_story TEXT NOT NULL, target_story TEXT NOT NULL,
                reason TEXT NOT NULL)""",
            "CREATE INDEX cluster_changes_source_story ON cluster_changes(source_story)",
            "CREATE INDEX cluster_changes_target_story ON cluster_changes(target_story)",
        ],
    ),
    (
        4,
        "conditional-GET validators per fetched URL (issue 3)",
        [
            """CREATE TABLE fetch_validators (
                url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, fetched TEXT NOT NULL)""",
        ],
    ),
    (
        5,
        "dedupe index written in key order: drop the per-article index of dedupe_keys (issue 4)",
        [
            # Each insert into an index in article order was a random write into the key index or vice
            # versa; with keys written in key order and no article index, indexing 10k articles (5M keys)
            # takes seconds instead of minutes. Keys are written once per article, so nothing looks them up by article.
            "DROP INDEX dedupe_keys_article",
        ],
    ),
    (
        6,
        "incremental analyse: the clusterer's saved state and a digest of each timeline's inputs (issue 5)",
        [
            # One row (id 1). The state is base64 text, not BLOB/BYTEA, so the statement is the same on both backends.
            """CREATE TABLE cluster_state (
                id INTEGER PRIMARY KEY, version INTEGER NOT NULL, options TEXT NOT NULL, state TEXT NOT NULL,
                saved TEXT NOT NULL)""",
            "CREATE TABLE timeline_digests (story TEXT PRIMARY KEY, digest TEXT NOT NULL)",
        ],
    ),
    (
        7,
        "dedupe index kept per article: groups, found spans, their producers and carriers (issue 4)",
        [
            # Components are gone: adding an article now re-derives only its neighbours (dedupe/incremental.py).
            # The keys' meaning is unchanged, but spans must be found again: the index is emptied and the next
            # analyse rebuilds it, replacing duplicates and passages in the same transaction (until then the
            # stored ones stay readable).
            "DROP TABLE dedupe_components",
            "DROP TABLE dedupe_keys",
            # Articles are numbered in the index (doc), so a key row is two integers: a third of the size of
            # (key, article id) rows, and one B-tree (SQLite rebuilds it WITHOUT ROWID in its migration 102).
            "CREATE TABLE dedupe_keys (key BIGINT NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc))",
            "CREATE TABLE dedupe_groups (article TEXT PRIMARY KEY, doc INTEGER NOT NULL UNIQUE, grp TEXT NOT NULL)",
            "CREATE INDEX dedupe_groups_grp ON dedupe_groups(grp)",
            # tokens: the span's token hashes as hex (8 bytes each), so no BLOB/BYTEA difference between backends
            "CREATE TABLE dedupe_spans (id TEXT PRIMARY KEY, anchor BIGINT NOT NULL, tokens TEXT NOT NULL)",
            "CREATE INDEX dedupe_spans_anchor ON dedupe_spans(anchor)",
            """CREATE TABLE dedupe_span_producers (
                span TEXT NOT NULL, article TEXT NOT NULL, PRIMARY KEY (span, article))""",
            "CREATE INDEX dedupe_span_producers_article ON dedupe_span_producers(article)",
            """CREATE TABLE dedupe_span_carriers (
                span TEXT NOT NULL, article TEXT NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (span, article))""",
            "CREATE INDEX dedupe_span_carriers_article ON dedupe_span_carriers(article)",
        ],
    ),
    (
        8,
        "narrow store (issue 12): stored comparisons, passage carriers, indexes for targeted and paged reads",
        [
            # One row per event: the comparison as JSON text in its own key order, and a digest of its inputs.
            "CREATE TABLE comparisons (event TEXT PRIMARY KEY, digest TEXT NOT NULL, body TEXT NOT NULL)",
            # passage -> article for each carrier (passages.articles is a JSON list); each backend keeps it in step
            # with passages by triggers (its own migration), so every write path (set_passages, apply_dedupe) does.
            "CREATE TABLE passage_articles (passage TEXT NOT NULL, article TEXT NOT NULL, PRIMARY KEY (passage, article))",
            "CREATE INDEX passage_articles_article ON passage_articles(article)",
            "CREATE INDEX articles_seq ON articles(seq)",  # ingest order and pages; the next seq is MAX(seq) + 1
            "CREATE INDEX articles_source ON articles(source)",  # find_ids("article", a source path)
            "CREATE INDEX duplicates_duplicate_of ON duplicates(duplicate_of)",  # duplicates(ids): marks pointing at ids
            "CREATE INDEX events_story ON events(story)",  # events(story=...), stories by page
            # the audit trail (Store.log) was written and never read: cluster_changes is the trail users see
            "DROP TABLE audit",
        ],
    ),
    (
        9,
        "entity names (issue 13): name or alias -> entity, so an article page names its entities without reading all",
        [
            # each backend keeps it in step with entities (name and the JSON list of aliases) by triggers
            "CREATE TABLE entity_names (name TEXT NOT NULL, entity TEXT NOT NULL, PRIMARY KEY (name, entity))",
            "CREATE INDEX entity_names_entity ON entity_names(entity)",
        ],
    ),
    (
        10,
        "passages.wire (issue 13): whether sharing the passage makes its carriers one source, set at analyse time",
        [
            # NULL until the analyse that follows a write sets it (dedupe.is_wire_copy); readers fall back to the text
            "ALTER TABLE passages ADD COLUMN wire INTEGER",
        ],
    ),
    (
        11,
        "a story's independent sources (issue 13), written with its timeline (the digest covers what it counts)",
        ["ALTER TABLE timeline_digests ADD COLUMN sources INTEGER"],
    ),
    (
        13,
        "the clusterer's state as rows (issue 15): read for what an article touches, written where it changed",
        [
            # kind: event, story, posting:e, posting:s, df, seen, arrival, merged, meta (cluster/state.py); body is
            # JSON text. seq: creation order of events and stories (their cluster order), arrival order of the window.
            # The older one-row blob (cluster_state) is converted to these rows by the first analyse after this.
            """CREATE TABLE cluster_rows (
                kind TEXT NOT NULL, key TEXT NOT NULL, seq BIGINT NOT NULL, body TEXT NOT NULL,
                PRIMARY KEY (kind, key))""",
            "CREATE INDEX cluster_rows_seq ON cluster_rows(kind, seq)",  # the window, oldest first
        ],
    ),
    (
        14,
        "dedupe without reading the corpus (issue 15): the index's ingest-order watermark, unflagged passages indexed",
        [
            # One row (id 1): every article with seq <= it is in the dedupe index, so the articles still to index
            # are read from articles_seq (those after it), not by checking every stored id. No row: none checked yet.
            "CREATE TABLE dedupe_watermark (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL)",
            # the passages whose wire flag a dedupe has not set yet (few), without scanning every passage
            "CREATE INDEX passages_unflagged ON passages(id) WHERE wire IS NULL",
        ],
    ),
    (
        15,
        "the entity merge's state as rows (issue 15): k new articles read and write only what their spellings touch",
        [
            # link_state.py: a row per merge key (tallies as JSON, stage-one root, rule component, entity), pairs
            # (kind, a, b) read by a or by b, the version and ingest-order watermark (every article up to it is
            # merged), and the articles merged past the watermark. Empty until the first analyse after this builds
            # them from the stored mentions.
            """CREATE TABLE entity_merge_keys (
                key TEXT PRIMARY KEY, spellings TEXT NOT NULL, types TEXT NOT NULL, root1 TEXT, comp TEXT,
                entity TEXT)""",
            "CREATE INDEX entity_merge_keys_entity ON entity_merge_keys(entity)",
            """CREATE TABLE entity_merge_pairs (
                kind TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (kind, a, b))""",
            "CREATE INDEX entity_merge_pairs_b ON entity_merge_pairs(kind, b, a)",  # covering, as the primary key is
            "CREATE TABLE entity_merge_meta (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, watermark BIGINT NOT NULL)",
            "CREATE TABLE entity_merged (article TEXT PRIMARY KEY, seq BIGINT NOT NULL)",
            "CREATE INDEX entity_merged_seq ON entity_merged(seq)",
        ],
    ),
    (
        16,
        "dedupe token hashes (issue 15): an update reads its neighbours' tokens instead of re-tokenising their texts",
        [
            # article -> its word tokens (dedupe.index.pack_tokens: distinct hashes, the sequence as indices into
            # them, quoted flags), written when the article joins the dedupe index. BYTEA is bytea on PostgreSQL
            # and, by SQLite's affinity rules, a column that keeps bytes as BLOBs. Articles indexed before this
            # have none: their texts are tokenised again when an update reads them.
            """CREATE TABLE dedupe_tokens (
                article TEXT PRIMARY KEY, vocab BYTEA NOT NULL, seq BYTEA NOT NULL, quoted BYTEA NOT NULL)""",
        ],
    ),
    (
        17,
        "timelines and comparisons of what changed (issue 15): the code and options the stored ones were built with",
        [
            # name ("timelines", "comparisons") -> a key of the code and options every stored digest of that kind was
            # checked against by the last analyse. Any other write of those rows, of duplicates, passages or clusters
            # deletes it, so the next analyse checks every digest again; while it holds, an analyse looks only at
            # what its own steps changed.
            "CREATE TABLE derived_keys (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ],
    ),
    (
        18,
        "groups of one source as rows (issue 15): counting independent sources reads its articles' rows",
        [
            # article -> the number of its group of one source (copies and wire-copy carriers folded, as
            # dedupe.source_roots folds them), for the articles folded with another; kept by pipeline.sources in
            # each dedupe update's transaction. Only the partition means anything, never a number.
            "CREATE TABLE source_groups (article TEXT PRIMARY KEY, grp BIGINT NOT NULL)",
            "CREATE INDEX source_groups_grp ON source_groups(grp)",
        ],
    ),
    (
        19,
        "background entries on a story's timeline (issue 17): happenings its articles recall from before it began",
        ["ALTER TABLE timeline_entries ADD COLUMN background INTEGER NOT NULL DEFAULT 0"],
    ),
    (
        20,
        "crowded dedupe keys pair nothing (issue 15): the dedupe index is built again",
        [
            # Keys that more than DedupeOptions.key_groups_max duplicate groups select no longer pair articles or
            # anchor spans, so the stored spans must be found again: the index is emptied (its watermark too, so every
            # stored article is indexed) and the next analyse rebuilds it from scratch, replacing duplicates and
            # passages in the same transaction (until then the stored ones stay readable). Token hashes stay valid.
            "DELETE FROM dedupe_keys",
            "DELETE FROM dedupe_groups",
            "DELETE FROM dedupe_watermark",
            # the keys whose lists are crowded, so an update skips reading their carriers (which grow with the store)
            "CREATE TABLE dedupe_crowded (key BIGINT PRIMARY KEY)",
        ],
    ),
    (
        21,
        "each article's sentences as timelines split and checked them (issue 15): a rebuild redoes only new articles",
        [
            # article -> timeline.Sentences' row (msgpack: sentence offsets and sentence checks), valid for the
            # timeline code and options named by ``key``; a row under another key is ignored and written again.
            # Only a cache: deleting the rows changes no output.
            "CREATE TABLE timeline_sentences (article TEXT PRIMARY KEY, key TEXT NOT NULL, data BYTEA NOT NULL)",
        ],
    ),
    (
        22,
        "a chronology's day keys (issue 15): an update picks again only the days whose inputs changed",
        [
            # JSON ``timeline_update.Plan.state``: the key of what each shown day's entry is picked from, and of each
            # recalled period with what it came to; NULL: none kept, the next update of the story builds it whole.
            "ALTER TABLE timeline_digests ADD COLUMN days TEXT",
        ],
    ),
    (
        23,
        "the analysed articles' ingest-order watermark (issue 15): an add finds what to extract without a scan",
        [
            # One row (id 1): every article with seq <= it is analysed (a failed one too: it is stored with nothing
            # found), so the articles still to extract are read after it. No row: none checked yet.
            "CREATE TABLE analysed_watermark (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL)",
        ],
    ),
    (
        24,
        "the shape a story's timeline was last checked against (issue 15): a story rewritten the same is not read",
        [
            # ``timeline.timeline_shape``: the story's title, articles and events; NULL: not known, read it
            "ALTER TABLE timeline_digests ADD COLUMN shape TEXT",
        ],
    ),
    (
        25,
        "only a dedupe key's first key_groups_max entries pair (issue 15): the dedupe index is built again",
        [
            # A crowded key's list (more than DedupeOptions.key_groups_max duplicate groups) used to pair nothing; now
            # its earliest entries pair (``dedupe.passages.heads``), so an article published later never changes what
            # earlier ones found. The stored spans must be found again: the index is emptied as in migration 20 and
            # the next analyse rebuilds it. ``last``: the article of the list's last pairing entry, so an update
            # reads a crowded list only for an article published before it.
            "DELETE FROM dedupe_keys",
            "DELETE FROM dedupe_groups",
            "DELETE FROM dedupe_watermark",
            "DELETE FROM dedupe_crowded",
            "ALTER TABLE dedupe_crowded ADD COLUMN last TEXT",
        ],
    ),
]
