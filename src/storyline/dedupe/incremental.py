"""The dedupe stage kept up to date: adding articles re-derives only what they can change.

``dedupe`` over a whole corpus is the definition; ``update`` computes what a stored index must change so that
it stays equal to it as articles arrive in any order, without recomputing the corpus. It reads the index
through ``DedupeIndexReader`` and returns a ``DedupeDelta``; it never writes. The caller holds one
transaction and the store's writer lock from the first read to the write, so a concurrent ingest waits
instead of updating from what this one is about to change::

    with store.atomic():
        store.lock_writes()
        delta = dedupe.update(store.dedupe_index(), new_articles, options)
        if delta is not None:
            store.apply_dedupe(delta)

What the result depends on, and so what an update must revisit when articles ``N`` arrive:

- **Duplicate groups** are the connected components of "same content hash" and "share an LSH band and reach
  the Jaccard threshold". New edges all touch ``N``, so only the stored groups of articles sharing a band or
  hash key with ``N`` can change; they are recomputed whole (they are small: copies of one story).
- **Found spans.** For every index key an article selects, the key's list holds one entry per duplicate group
  (its earliest carrier); an entry's postings pair with the entries up to ``LOOKBACK`` before it. The spans
  an article finds ("produces") depend only on its own text and those windows. So an update re-derives the
  articles ``X`` that are new or whose group label changed, plus every entry whose window in one of ``X``'s
  keys' lists changed: a handful per key, however many articles carry the key. Only a list's first
  ``key_groups_max`` entries pair (``DedupeOptions``, ``passages.heads``), so an article published after a crowded
  list's last pairing entry changes nothing in it, and the list (whose carriers grow with the store) is not read.
  A crowded key anchors no span, so no passage has more carriers; when a key becomes crowded, the stored spans
  anchored at it anchor at their next uncrowded key, or are lost, without re-deriving anyone. Only when a list is
  crowded no more (groups merged) are its carriers re-derived, since spans may anchor at the key again.
- **Carriers** of a span are every article containing it, found through its anchor key; a new span looks its
  carriers up in the index, a stored span gains the new articles that contain it.
- **Pruning** (``passages.prune``) compares spans nested in one another inside a shared article, so only the
  spans whose carriers, validity or existence changed and the spans nested with them are decided again, each
  against the spans that overlap it in one of its carriers (where each stored span sits in a carrier is read
  first, ``span_places``; whole rows only of the spans that overlap).
- **Passages** (text, origin, agency) are written again only for the spans whose carriers or groups changed,
  or that were pruned before and are kept now.

What an update reads: the texts of the articles it re-derives and of the carriers of the passages it writes
(their text and agency credits), but only the stored token hashes of the articles it merely pairs with (the
windows: ~2,000 articles for a single add at 10k; ``index.pack_tokens``, migration 16), which need no
tokenising; an article indexed before those were stored is read and tokenised again, with the same result.

tests/test_dedupe_incremental.py checks store == ``dedupe.dedupe`` for many orders and batch splits.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np

from storyline.dedupe.index import LOOKBACK, Corpus, DuplicateSearch, unpack_tokens
from storyline.dedupe.options import DedupeOptions
from storyline.dedupe.passages import Found, Passages, SpanSearch, anchor, anchor_offset, is_reuse, prune, span_id
from storyline.dedupe.storage import DedupeIndexReader
from storyline.records import Article, DedupeDelta, Passage, SpanRow

log = logging.getLogger(__name__)

__all__ = ["REBUILD_FRACTION", "update"]

Rank = tuple[bool, str, str]


def _rank(published: str | None, article: str) -> Rank:
    """``dedupe``'s "earliest first" order: published ascending, undated last, then id."""
    return (published is None, published or "", article)


# A batch this large against the index is cheaper to index with everything stored, from scratch: the
# from-scratch run costs ~1.6-2 ms per article of the whole corpus (`bench/bench_dedupe.py speed`), an update
# ~35 ms per new article once a batch is large (its neighbourhoods overlap and cover most of the store: 1,000
# T17 articles added to 3,625 re-derive 4,209 in 34.6 s, against 8.5 s from scratch;
# `bench/bench_dedupe_incremental.py --k 1000 --batch [--never-rebuild]`) and ~1 s for a single T17 article.
# Both give the same result.
REBUILD_FRACTION = 0.05

# An update derives its targets' spans this many at a time (each batch on a corpus of its targets and their
# windows), so a huge update (a key crossing ``key_groups_max`` in a big store) holds a bounded corpus at once. Not
# smaller: neighbouring targets share windows, read again by every batch. Measured with 10k T17-derived articles
# joining 10k (12,749 targets, 6,806 windows; `bench/bench_dedupe_scale.py bulk --chunk 10000 --targets-at-once N`,
# BENCHMARKS.md issue 15): one batch, peak 4.59 GiB and 335 s CPU; batches of 10,000, 4.34 GiB and 428 s.
TARGETS_AT_ONCE = 20_000


def update(
    index: DedupeIndexReader,
    new: Sequence[Article],
    options: DedupeOptions = DedupeOptions(),
    rebuild_fraction: float = REBUILD_FRACTION,
    *,
    whole_store: bool = True,
    search: DuplicateSearch | None = None,
    spans: SpanSearch | None = None,
) -> DedupeDelta | None:
    """What adding ``new`` to the dedupe ``index`` changes; None when there is nothing to do.

    Args:
        index: the stored index (``store.dedupe_index()``), read only.
        new: the articles to add; any the index holds already are skipped. Other articles' texts are read
            through ``index``.
        options: thresholds (see ``DedupeOptions``); the index must have been built with the same.
        rebuild_fraction: when the new articles are at least this fraction of the indexed ones, everything
            stored (plus ``new``) is indexed from scratch instead (the same result, sooner): the delta
            then has ``reset`` set.
        whole_store: False when the caller adds the stored articles the index lacks in later calls (a bulk
            analyse in chunks, ``pipeline.dedupe_pending``): an empty index is then reset with ``new`` alone and
            ``rebuild_fraction`` is not applied, so no call reads more than its own articles' neighbourhood.
        search: the duplicate search of an update from scratch, called with exactly the articles it indexes (the
            batch's search in Spark tasks, ``batch.neardup``); None, or an incremental update, searches here
            (an incremental update looks for its new articles' duplicates through the stored band keys).
        spans: the passage search of an update from scratch (``Passages(search=...)``: the batch's pairing and
            growing in Spark tasks, ``batch.passages``), given its whole corpus; None, or an incremental update,
            searches here.

    Returns:
        The ``DedupeDelta`` for ``store.apply_dedupe``, whose ``rederived`` names the articles whose found
        spans were derived again; None when every article of ``new`` is indexed already.
    """
    indexed = index.groups([a.id for a in new])
    added = [a for a in new if a.id not in indexed]
    if not added:
        return None
    size = index.size()
    if not whole_store:
        return (
            _first(added, options, reset=True, search=search, pairing=spans)
            if size == 0
            else _Update(index, added, options).run()
        )
    if size == 0 or len(added) >= rebuild_fraction * size:
        # An empty index (whatever duplicates and passages are stored predate it: migration 7), or a batch
        # large against it: index every stored article from scratch, replacing everything.
        known = {a.id for a in added}
        missing = [i for i in index.article_ids() if i not in known]
        everything = [*added, *index.articles(missing)] if missing else added
        if size:
            log.info("dedupe: %d new articles against %d indexed: indexing everything again", len(added), size)
        return _first(everything, options, reset=True, search=search, pairing=spans)
    return _Update(index, added, options).run()


def _first(
    new: Sequence[Article],
    options: DedupeOptions,
    reset: bool = False,
    search: DuplicateSearch | None = None,
    pairing: SpanSearch | None = None,
) -> DedupeDelta:
    """An empty index (or one being ``reset``): the batch is the corpus, computed at once; its duplicates by
    ``search`` when given (``Corpus(duplicates=...)``: the same records, band keys computed all the same), its
    passages' pairs grown into spans by ``pairing`` when given (``Passages(search=...)``: the same rows)."""
    c = Corpus(new, options, duplicates=None if search is None else search(new, options))
    p = Passages(c, search=pairing)
    found = list(p.found().values())
    ids = [span_id(c, f) for f in found]
    tokens = [c.hashes[f.start : f.start + f.length] for f in found]
    anchors = [p.anchor(tok) for tok in tokens]  # ``found`` keeps only the spans that have one
    valid = [f for f in found if p.locate(f)]
    passages = [p.passage(f) for f in prune(valid, options.passage_min_words)]
    spans = tuple(
        SpanRow(
            sid,
            _signed(got[0]),
            tok.tobytes().hex(),
            tuple((c.articles[r].id, pos) for r, pos in f.occurrences.items()),
        )
        for sid, tok, f, got in zip(ids, tokens, found, anchors)
        if got is not None
    )
    producers = tuple((sid, c.articles[r].id) for sid, f in zip(ids, found) for r in f.producers)
    delta = DedupeDelta(
        reset=reset,
        keys=c.keys(),
        groups=tuple((a.id, c.articles[c.group[i]].id) for i, a in enumerate(c.articles)),
        duplicates_of=(),
        duplicates=tuple(c.duplicates),
        producers_of=(),
        producers=producers,
        spans_removed=(),
        spans_added=spans,
        carriers_added=(),
        passages_removed=(),
        passages=tuple(passages),
        rederived=tuple(sorted(a.id for a in new)),
        tokens=c.token_rows(),
        crowded_added=tuple(
            zip(p.crowded.view(np.int64).tolist(), (c.articles[r].id for r in p.crowded_last.tolist()), strict=True)
        ),
    )
    log.info("dedupe: %d new articles indexed at once, %d spans, %d passages", len(new), len(spans), len(passages))
    return delta


def _bounded(keys: Sequence[int], members: Callable[[int], set[str]], limit: int) -> Iterator[list[int]]:
    """``keys`` in consecutive groups whose members together are at most ``limit`` (a key with more is alone)."""
    group: list[int] = []
    held: set[str] = set()
    for k in keys:
        more = members(k) - held
        if group and len(held) + len(more) > limit:
            yield group
            group, held = [], set()
            more = members(k)
        group.append(k)
        held |= more
    if group:
        yield group


def _signed(key: np.uint64 | int) -> int:
    return int(np.asarray([key], dtype=np.uint64).view(np.int64)[0])


def _posting_keys(c: Corpus) -> dict[str, set[int]]:
    """Article id -> the (signed) keys of its postings: winnowed 5-grams and quoted 4-grams."""
    out: dict[str, set[int]] = {a.id: set() for a in c.articles}
    for k, doc in zip(c.post_keys.view(np.int64).tolist(), c.post_doc.tolist()):
        out[c.articles[doc].id].add(k)
    return out


class _Update:
    """One incremental update; the steps follow the module docstring."""

    def __init__(self, index: DedupeIndexReader, new: Sequence[Article], options: DedupeOptions) -> None:
        self.index = index
        self.opts = options
        self.by_id = {a.id: a for a in new}  # articles read so far (stored ones are read as needed)
        self.new = list(new)
        self.new_ids = {a.id for a in new}
        self.labels: dict[str, str] = {}  # article -> group after the update (filled as needed)
        self.published: dict[str, str | None] = {}  # dates of stored articles not passed in
        self.outlet: dict[str, str | None] = {}  # and their outlets
        self.ranks: dict[str, Rank] = {}
        self.crowded: set[int] = set()  # keys looked at that more than key_groups_max groups select, after the update
        self.looked: set[int] = set()  # the keys whose crowding after the update is known (``crowded``)
        self.lasts: dict[int, str] = {}  # stored crowded keys looked at -> their last pairing entry, as stored
        self.flipped: set[str] = set()  # carriers of keys no longer crowded: the spans holding them may anchor anew
        self.crowded_added: dict[int, str] = {}  # for the delta: crowded keys whose last pairing entry is new or moved
        self.crowded_removed: set[int] = set()  # and the keys no longer crowded
        self.carried: dict[str, SpanRow] = {}  # stored spans read whole (as stored), by id
        self.places: dict[str, list[tuple[int, int, str]]] = {}  # article -> (start, end, span) of its stored spans
        self.starts: dict[str, list[int]] = {}  # article -> the starts of its ``places``, which are in start order
        self.longest: dict[str, int] = {}  # article -> the length of its longest stored span
        self.places_read: set[str] = set()  # the articles in ``places``

    # ------------------------------------------------------------------ helpers
    def load(self, ids: Iterable[str]) -> list[Article]:
        wanted = list(dict.fromkeys(ids))
        missing = [i for i in wanted if i not in self.by_id]
        if missing:
            for a in self.index.articles(missing):
                self.by_id[a.id] = a
        return [self.by_id[i] for i in wanted]

    def rank(self, article: str) -> Rank:
        got = self.ranks.get(article)  # an article's rank never changes: asked for ~10 times per carrier
        if got is None:
            a = self.by_id.get(article)
            if a is not None:
                got = _rank(a.published, a.id)
            else:
                if article not in self.published:
                    self.know_dates([article])
                got = _rank(self.published[article], article)
            self.ranks[article] = got
        return got

    def know_dates(self, ids: Iterable[str]) -> None:
        """Read the published dates (and outlets) of ``ids`` the update does not hold yet, in one query."""
        missing = {a for a in ids if a not in self.by_id and a not in self.published}
        if missing:
            for a, (published, outlet) in self.index.article_dates(missing).items():
                self.published[a] = published
                self.outlet[a] = outlet

    def outlets(self, ids: Iterable[str]) -> dict[str, str | None]:
        ids = list(ids)
        self.know_dates(ids)
        return {a: (self.by_id[a].outlet if a in self.by_id else self.outlet[a]) for a in ids}

    def label(self, ids: Iterable[str]) -> dict[str, str]:
        """Group labels after the update for ``ids``."""
        ids = set(ids)
        unknown = [i for i in ids if i not in self.labels]
        if unknown:
            self.labels.update(self.index.groups(unknown))
        return {i: self.labels[i] for i in ids}

    def corpus(self, ids: Iterable[str], entries: tuple[set[int], set[tuple[int, str]]] | None = None) -> Corpus:
        ids = list(dict.fromkeys(ids))
        return Corpus(self.load(ids), self.opts, groups=self.label(ids), entries=entries)

    def window_corpus(
        self, texts: Iterable[str], others: Iterable[str], entries: tuple[set[int], set[tuple[int, str]]]
    ) -> Corpus:
        """A corpus of ``texts`` (read whole) and ``others``, whose stored tokens are read instead of their texts
        when the index has them (only paired with: no passage text is cut from them)."""
        texts = list(dict.fromkeys(texts))
        with_text = set(texts)
        others = [a for a in dict.fromkeys(others) if a not in with_text]
        held = [a for a in others if a in self.by_id]  # read already: their texts are at hand
        packed = self.index.tokens([a for a in others if a not in self.by_id])
        stored = {a: unpack_tokens(*row) for a, row in packed.items()}
        self.know_dates(stored)
        stubs = [Article(id=a, source="", text="", published=self.published[a], outlet=self.outlet[a]) for a in stored]
        # indexed before tokens were stored: their texts are read and tokenised again
        rest = [a for a in others if a not in self.by_id and a not in stored]
        arts = [*self.load([*texts, *held, *rest]), *stubs]
        ids = [a.id for a in arts]
        return Corpus(arts, self.opts, groups=self.label(ids), entries=entries, tokens=stored)

    def entry_lists(
        self,
        keys: set[int],
        old_labels: Mapping[str, str] | None,
        askers: Mapping[int, Iterable[str]],
        merged: Iterable[int] = (),
    ) -> dict[int, tuple[list[str], list[str]]]:
        """For each key: the entries of its list that pair (earliest carrier per group, earliest first: the first
        ``key_groups_max``, ``passages.heads``) before and after the update (``old_labels``: stored articles' labels
        before; None skips the "before" list).

        The carriers of a key crowded before (the index's ``crowded_last``) grow with the store and are not read
        when every one of ``askers[key]`` (the articles that need the list) comes after its last pairing entry:
        those pair nothing through it and change no entry before them, so the list is given empty. Unless the key
        is one of ``merged``, the keys of relabelled articles, whose groups may have merged into fewer. A key whose
        list is no longer crowded (groups merged) may anchor spans it did not: its carriers join ``self.flipped``,
        to be derived again. Changes of crowding are kept for the delta. A key with one carrier is left out (most
        keys): its list pairs nothing, makes no window, and cannot be crowded."""
        cap = self.opts.key_groups_max
        self.lasts.update(self.index.crowded_last(keys - self.lasts.keys()))
        self.looked |= keys
        stored = keys & self.lasts.keys()
        self.know_dates(self.lasts[k] for k in stored)
        merged = set(merged)
        out: dict[int, tuple[list[str], list[str]]] = {}
        for k in stored - merged:
            bound = self.rank(self.lasts[k])
            if all(self.rank(a) > bound for a in askers.get(k, ())):
                out[k] = ([], [])
        self.crowded |= out.keys()
        keys = keys - out.keys()
        carriers: dict[int, list[str]] = {k: [] for k in keys}
        for k, a, group, published, outlet in self.index.key_carrier_rows(keys):
            carriers[k].append(a)
            self.labels.setdefault(a, group)  # a stored label is the label after the update unless step 1 moved it
            if a not in self.by_id:
                self.published[a], self.outlet[a] = published, outlet
        for a, ks in self.new_postings.items():
            for k in ks & keys:
                carriers[k].append(a)
        for k, cs in carriers.items():
            if len(cs) == 1:  # most keys: only the article itself; such a list pairs nothing and is no window
                continue
            after = self._entries(cs, self.labels.__getitem__)
            if len(after) > cap:
                self.crowded.add(k)
                if self.lasts.get(k) != after[cap - 1]:
                    self.crowded_added[k] = after[cap - 1]
            elif k in self.lasts:
                self.crowded_removed.add(k)
            if old_labels is None:  # no carrier of the key is new or relabelled: its crowding is unchanged
                out[k] = ([], after[:cap])
            else:
                before = self._entries(
                    [a for a in cs if a not in self.new_ids], lambda a: old_labels.get(a, self.labels[a])
                )
                if len(before) > cap >= len(after):
                    self.flipped.update(cs)
                out[k] = (before[:cap], after[:cap])
        return out

    def _entries(self, carriers: Iterable[str], label: Callable[[str], str]) -> list[str]:
        best: dict[str, tuple[Rank, str]] = {}
        for a in carriers:
            r = self.rank(a)
            g = label(a)
            if g not in best or r < best[g][0]:
                best[g] = (r, a)
        return [a for _, a in sorted(best.values())]

    # ------------------------------------------------------------------ the update
    def run(self) -> DedupeDelta:
        opts, index = self.opts, self.index
        look = LOOKBACK
        cn = Corpus(self.new, opts)
        self.new_postings = _posting_keys(cn)

        laps = [("start", time.perf_counter())]
        # 1. duplicate groups touching the new articles, recomputed whole
        cand = index.articles_with_keys(cn.duplicate_keys())
        old_labels = index.groups(cand)
        members = index.group_members(set(old_labels.values()))
        old_labels.update(members)
        cd = Corpus(self.new + self.load(members), opts) if members else cn
        for i, art in enumerate(cd.articles):
            self.labels[art.id] = cd.articles[cd.group[i]].id
        relabelled = {a for a in members if self.labels[a] != old_labels[a]}
        x = self.new_ids | relabelled

        laps.append(("step 1", time.perf_counter()))
        # 2. articles whose windows changed in the lists of X's keys
        cx_keys = _posting_keys(cd)
        kx = set().union(*(cx_keys[a] for a in x))
        merged = set().union(*(cx_keys[a] for a in relabelled))
        del cx_keys
        duplicates_of, duplicates = tuple(a.id for a in cd.articles), tuple(cd.duplicates)
        del cd  # the new articles' corpus (``cn``) stays; their group members' is done with
        asked: dict[int, list[str]] = {}
        for a, ks in self.new_postings.items():
            for k in ks:
                asked.setdefault(k, []).append(a)
        lists = self.entry_lists(kx, old_labels, asked, merged)
        del asked
        targets = set(x)
        for before, after in lists.values():
            where = {a: i for i, a in enumerate(before)}
            for i, a in enumerate(after):
                j = where.get(a)
                if j is None or before[max(0, j - look) : j] != after[max(0, i - look) : i]:
                    targets.add(a)
            targets.update(set(before) - set(after))
        targets |= self.flipped

        laps.append(("step 2", time.perf_counter()))
        # 3. re-derive the targets' found spans, on a corpus of them and their windows
        extra = sorted(targets - x)
        ka = set(kx)
        asked = {}
        if extra:
            for a, ks in _posting_keys(self.corpus(extra)).items():
                ka |= ks
                for k in ks:
                    asked.setdefault(k, []).append(a)
        # the keys new to the update, and the crowded lists given empty that a re-derived article may pair in
        more = (ka - kx) | {k for k, (_, after) in lists.items() if not after and k in self.lasts and k in asked}
        if more:
            lists.update(self.entry_lists(more, None, asked))
        del asked
        windows: dict[str, set[str]] = {}  # target -> the entries before it in its keys' lists
        allowed: set[tuple[int, str]] = set()
        for k, (_, after) in lists.items():
            # A list of one entry pairs nothing and is no one's window (many keys: 2.8M lists held 6.6M entries
            # when 10k articles joined 10k, BENCHMARKS.md issue 15), so ``allowed`` stays small.
            if len(after) < 2:
                continue
            for i, e in enumerate(after):
                allowed.add((k, e))
                if e in targets:
                    windows.setdefault(e, set()).update(after[max(0, i - look) : i])
        del lists  # the largest structure of the update: freed before the corpora are built
        window = set().union(*windows.values())
        produced: dict[str, set[str]] = {}
        tokens: dict[str, np.ndarray] = {}
        # every key in a target's span is one of ``ka``, so p1 knows which are crowded
        anchors: dict[str, tuple[np.uint64, int]] = {}
        # A target's spans depend on its own text and its windows alone, so targets are derived a bounded number at
        # a time (earliest first, whose windows overlap most): memory follows TARGETS_AT_ONCE, not the update.
        ordered = sorted(targets, key=self.rank)
        for at in range(0, len(ordered), TARGETS_AT_ONCE):
            part = ordered[at : at + TARGETS_AT_ONCE]
            near = set().union(*(windows.get(a, ()) for a in part)) - set(part)
            m1 = self.window_corpus(part, sorted(near), entries=(ka, allowed))
            ranks1 = {a.id: i for i, a in enumerate(m1.articles)}
            p1 = Passages(m1, targets=[ranks1[a] for a in part], crowded=self.crowded & ka)
            for f in p1.found().values():
                sid = span_id(m1, f)
                produced.setdefault(sid, set()).update(m1.articles[r].id for r in f.producers)
                if sid not in tokens:
                    tokens[sid] = m1.hashes[f.start : f.start + f.length].copy()  # a view would keep m1 alive
                    got = p1.anchor(tokens[sid])
                    if got is not None:  # ``found`` keeps only the spans that have one
                        anchors[sid] = got
            del m1, p1

        laps.append(("step 3", time.perf_counter()))
        # 4. spans gained, lost, and their carriers
        before_prod = index.spans_produced_by(targets)
        removed = {sp for sp, ps in before_prod.items() if not (ps - targets) and sp not in produced}
        stored = index.spans(produced)
        added_ids = [sp for sp in produced if sp not in stored]
        rows: dict[str, SpanRow] = {}  # spans as they are after the update (those looked at)
        if added_ids:
            by_anchor: dict[int, list[str]] = {}
            for sp in added_ids:
                by_anchor.setdefault(_signed(anchors[sp][0]), []).append(sp)
            holders: dict[int, set[str]] = {k: set() for k in by_anchor}
            for k, a in index.key_carriers(set(by_anchor)):
                holders[k].add(a)
            for a, ks in self.new_postings.items():
                for k in ks & holders.keys():
                    holders[k].add(a)
            # the spans' carriers are looked up among their anchors' holders, a bounded corpus of them at a time
            for keys in _bounded(sorted(holders), lambda k: holders[k], TARGETS_AT_ONCE):
                m2 = self.corpus(sorted(set().union(*(holders[k] for k in keys))))
                p2 = Passages(m2)
                for sp in (sp for k in keys for sp in by_anchor[k]):
                    key, best = anchors[sp]
                    f = Found(-1, int(tokens[sp].size))
                    p2.locate_tokens(f, tokens[sp], key, best)
                    carriers = tuple(sorted((m2.articles[r].id, pos) for r, pos in f.occurrences.items()))
                    rows[sp] = SpanRow(sp, _signed(key), tokens[sp].tobytes().hex(), carriers)
                del m2, p2
        gained: list[tuple[str, str, int]] = []
        anchored = index.spans_anchored(set().union(*self.new_postings.values()))
        if anchored:
            pn = Passages(cn)
            for sp, row in anchored.items():
                if sp in removed or sp in rows:
                    continue
                span = np.frombuffer(bytes.fromhex(row.tokens), dtype=np.uint64)
                key = np.asarray([row.anchor], dtype=np.int64).view(np.uint64)[0]
                f = Found(-1, int(span.size))
                pn.locate_tokens(f, span, key, anchor_offset(span, opts, row.anchor))
                if f.occurrences:
                    here = tuple((cn.articles[r].id, pos) for r, pos in f.occurrences.items())
                    gained.extend((sp, a, pos) for a, pos in here)
                    rows[sp] = SpanRow(sp, row.anchor, row.tokens, tuple(sorted(row.carriers + here)))
        # a stored span found again whose anchor moved (a key in it became crowded, or no longer is) is written again
        moved = [sp for sp in produced if sp in stored and _signed(anchors[sp][0]) != stored[sp].anchor]
        for sp in moved:
            row = rows.get(sp, stored[sp])
            rows[sp] = SpanRow(sp, _signed(anchors[sp][0]), row.tokens, row.carriers)
        if moved:
            gained = [g for g in gained if g[0] not in moved]
            added_ids.extend(moved)
        shifted, lost = self.reanchor(rows, produced, removed)
        if shifted or lost:
            gained = [g for g in gained if g[0] not in shifted and g[0] not in lost]
            added_ids.extend(sp for sp in shifted if sp not in added_ids)
            added_ids = [sp for sp in added_ids if sp not in lost]
            removed |= lost
        changed = set(rows) | removed
        changed |= set(self.spans_carried_by(relabelled, rows, removed))

        laps.append(("step 4", time.perf_counter()))
        # 5. decide pruning again for the changed spans and those nested with them
        region = self.spans_around(self.rows_of(changed, rows), rows, removed)
        old_rows = self.rows_of(removed, {})  # as they were: read with ``changed`` just above
        self.know_dates(a for r in [*region.values(), *old_rows.values()] for a, _ in r.carriers)
        nesting = _Nesting(region, self.rank)
        partners: set[str] = set()
        for c_id in changed:
            crow = region.get(c_id) or old_rows.get(c_id)
            if crow is not None:
                partners |= nesting.partners(c_id, crow)
        decide = (changed - removed) | partners
        region2 = self.spans_around(self.rows_of(decide, rows), rows, removed)
        for sp in decide:
            region2.setdefault(sp, rows[sp] if sp in rows else self.span_row(sp))
        kept = self.kept(region2, decide)

        laps.append(("step 5", time.perf_counter()))
        # 6. passages written again
        existing = index.passage_ids(decide | removed)
        write = [sp for sp in sorted(decide) if sp in kept and (sp in changed or sp not in existing)]
        drop = [sp for sp in sorted(decide | removed) if sp in existing and sp not in kept]
        passages = self.materialise([region2[sp] for sp in write])

        new_keys = cn.keys()
        delta = DedupeDelta(
            keys=new_keys,
            groups=tuple((a, self.labels[a]) for a in sorted(self.new_ids | relabelled)),
            duplicates_of=duplicates_of,
            duplicates=duplicates,
            producers_of=tuple(sorted(targets)),
            producers=tuple((sp, a) for sp, ps in sorted(produced.items()) for a in sorted(ps)),
            spans_removed=tuple(sorted(removed)),
            spans_added=tuple(rows[sp] for sp in added_ids),
            carriers_added=tuple(gained),
            passages_removed=tuple(drop),
            passages=tuple(passages),
            rederived=tuple(sorted(targets)),
            tokens=cn.token_rows(),
            crowded_added=tuple(sorted(self.crowded_added.items())),
            crowded_removed=tuple(sorted(self.crowded_removed)),
        )
        laps.append(("step 6", time.perf_counter()))
        log.debug("dedupe update: %s", ", ".join(f"{n} {t - p:.2f} s" for (_, p), (n, t) in itertools.pairwise(laps)))
        log.info(
            "dedupe: %d new articles, %d re-derived (%d read for windows; %d stored ones carry a key no longer"
            " crowded: %d keys), %d keys newly crowded (%d spans anchored anew, %d lost), %d spans changed,"
            " %d passages written",
            len(self.new),
            len(targets),
            len(window - targets),
            len(self.flipped - self.new_ids),
            len(self.crowded_removed),
            sum(k not in self.lasts for k in self.crowded_added),
            len(shifted),
            len(lost),
            len(changed),
            len(passages),
        )
        return delta

    def reanchor(
        self, rows: dict[str, SpanRow], produced: Mapping[str, set[str]], removed: set[str]
    ) -> tuple[set[str], set[str]]:
        """Stored spans anchored at a key that became crowded: each anchors at its next uncrowded key (same
        carriers: every carrier of a span holds all its keys), or, with none left, is found by no one. ``rows``
        gains the spans whose anchor moved and loses those lost. Spans ``produced`` or ``removed`` are settled.

        Returns:
            The spans whose anchor moved, and the spans lost."""
        fresh = [k for k in self.crowded_added if k not in self.lasts]
        stale = {
            sp: rows.get(sp, r)
            for sp, r in self.index.spans_anchored(fresh).items()
            if sp not in produced and sp not in removed
        }
        if not stale:
            return set(), set()
        tokens = {sp: np.frombuffer(bytes.fromhex(r.tokens), dtype=np.uint64) for sp, r in stale.items()}
        asked: set[int] = set()  # every key ``anchor`` may try, in the spans

        def ask(k: int) -> bool:
            asked.add(k)
            return True  # as if crowded, so every candidate is asked

        for t in tokens.values():
            anchor(t, self.opts, ask)
        elsewhere = self.index.crowded(asked - self.looked)

        def crowded(k: int) -> bool:
            return k in self.crowded if k in self.looked else k in elsewhere

        shifted: set[str] = set()
        lost: set[str] = set()
        for sp, t in tokens.items():
            got = anchor(t, self.opts, crowded)
            if got is None:
                lost.add(sp)
                rows.pop(sp, None)
            else:
                row = stale[sp]
                rows[sp] = SpanRow(sp, _signed(got[0]), row.tokens, row.carriers)
                shifted.add(sp)
        return shifted, lost

    # ------------------------------------------------------------------ span rows
    def span_row(self, sp: str) -> SpanRow:
        if sp not in self.carried:
            self.carried.update(self.index.spans([sp]))
        return self.carried[sp]

    def rows_of(self, spans: Iterable[str], rows: Mapping[str, SpanRow]) -> dict[str, SpanRow]:
        """``spans`` as rows, with their carriers (after the update; removed spans as they were)."""
        spans = set(spans)
        self.carried.update(self.index.spans([s for s in spans if s not in rows and s not in self.carried]))
        out: dict[str, SpanRow] = {}
        for sp in spans:
            row = rows.get(sp) or self.carried.get(sp)
            if row is not None:
                out[sp] = row
        return out

    def spans_around(
        self, focus: Mapping[str, SpanRow], rows: Mapping[str, SpanRow], removed: set[str]
    ) -> dict[str, SpanRow]:
        """Every span (after the update) that overlaps one of ``focus`` in an article carrying both.

        ``prune`` and ``_Nesting`` compare two spans only where one lies inside the other in an article carrying
        both, so these are all the spans they may compare the focus with. The places of a carrier's stored spans
        are read once per update (step 5 asks twice, for overlapping sets), and whole rows only for the spans
        that overlap: a carrier of a stock sentence carries hundreds of spans, most of them elsewhere in it."""
        articles = {a for r in focus.values() for a, _ in r.carriers}
        unread = articles - self.places_read
        if unread:
            for sp, a, pos, n in self.index.span_places(unread):
                self.places.setdefault(a, []).append((pos, pos + n, sp))
            for a in unread & self.places.keys():
                self.places[a].sort()
                self.starts[a] = [s for s, _, _ in self.places[a]]
                self.longest[a] = max(e - s for s, e, _ in self.places[a])
            self.places_read |= unread
        near: set[str] = set()
        for r in focus.values():
            for a, pos in r.carriers:
                placed = self.places.get(a)
                if placed:
                    near.update(overlapping(placed, self.starts[a], self.longest[a], pos, r.length))
        near -= removed
        out = self.rows_of(near - rows.keys(), {})
        for sp, r in rows.items():
            if sp in near or any(a in articles for a, _ in r.carriers):
                out[sp] = r
        return out

    def spans_carried_by(
        self, articles: set[str], rows: Mapping[str, SpanRow], removed: set[str]
    ) -> dict[str, SpanRow]:
        """Every span (after the update) that one of ``articles`` carries (step 4: those of relabelled articles)."""
        stored = self.index.spans_carried_by(articles) if articles else {}
        self.carried.update(stored)
        out = {sp: r for sp, r in stored.items() if sp not in removed}
        for sp, r in rows.items():
            if sp in out or any(a in articles for a, _ in r.carriers):
                out[sp] = r
        return out

    def kept(self, region: Mapping[str, SpanRow], decide: set[str]) -> set[str]:
        """Spans of ``decide`` that are passages: carried by two groups and not pruned.

        ``region`` holds every span that overlaps one being decided in an article carrying both
        (``spans_around``), which is every span ``prune`` could compare them with.
        """
        arts = {a for r in region.values() for a, _ in r.carriers}
        labels = self.label(arts)
        self.know_dates(arts)
        outlets = self.outlets(arts)
        order = {a: i for i, a in enumerate(sorted(arts, key=self.rank))}
        found: list[Found] = []
        names: list[str] = []
        for sp, r in region.items():
            if not is_reuse({labels[a] for a, _ in r.carriers}, [outlets[a] for a, _ in r.carriers]):
                continue
            f = Found(-1, r.length, {order[a]: pos for a, pos in r.carriers})
            found.append(f)
            names.append(sp)
        only = {n for n, sp in enumerate(names) if sp in decide}
        kept_ids = {id(f) for f in prune(found, self.opts.passage_min_words, only)}
        return {sp for sp, f in zip(names, found) if id(f) in kept_ids and sp in decide}

    def materialise(self, rows: Sequence[SpanRow]) -> list[Passage]:
        if not rows:
            return []
        c = self.corpus(sorted({a for r in rows for a, _ in r.carriers}))
        rank = {a.id: i for i, a in enumerate(c.articles)}
        p = Passages(c)
        return [
            p.passage(Found(-1, r.length, {rank[a]: pos for a, pos in sorted(r.carriers, key=lambda x: rank[x[0]])}))
            for r in rows
        ]


def overlapping(
    placed: Sequence[tuple[int, int, str]], starts: Sequence[int], longest: int, pos: int, length: int
) -> Iterator[str]:
    """The spans of ``placed`` ((start, end, span), in start order; ``starts`` their starts; ``longest`` the largest
    end - start) that overlap ``[pos, pos + length)``: they start before its end and end after ``pos``, so they start
    after ``pos - longest``, and only that run of the places is looked at."""
    lo = bisect.bisect_right(starts, pos - longest)
    hi = bisect.bisect_left(starts, pos + length)
    return (sp for _, e, sp in placed[lo:hi] if pos < e)


class _Nesting:
    """Which spans of a region ``prune`` may compare with a given span: nested in it, or it in them, inside
    the outer span's earliest carrier."""

    def __init__(self, region: Mapping[str, SpanRow], rank: Callable[[str], Rank]) -> None:
        self.rank = rank
        self.where: dict[str, dict[str, int]] = {sp: dict(r.carriers) for sp, r in region.items()}
        self.length = {sp: r.length for sp, r in region.items()}
        self.carried: dict[str, list[str]] = {}  # article -> spans it carries
        self.first_in: dict[str, list[str]] = {}  # article -> spans whose earliest carrier it is
        for sp, where in self.where.items():
            for a in where:
                self.carried.setdefault(a, []).append(sp)
            if where:
                self.first_in.setdefault(min(where, key=rank), []).append(sp)

    def partners(self, sp: str, row: SpanRow) -> set[str]:
        where = dict(row.carriers)
        if not where:
            return set()
        length = row.length
        out: set[str] = set()
        first = min(where, key=self.rank)
        at = where[first]
        for other in self.carried.get(first, ()):  # sp outer: others inside it in its earliest carrier
            o_at, o_len = self.where[other][first], self.length[other]
            if other != sp and o_len < length and at <= o_at and o_at + o_len <= at + length:
                out.add(other)
        for a in where:  # sp inner: others whose earliest carrier holds sp inside them
            for other in self.first_in.get(a, ()):
                o_at, o_len = self.where[other][a], self.length[other]
                if other != sp and length < o_len and o_at <= where[a] and where[a] + length <= o_at + o_len:
                    out.add(other)
        return out
