"""Passages: spans of text that two or more articles reuse, found without comparing every pair.

Which spans (a quoted statement, a wire paragraph) appear in two or more articles that are not copies
of each other, who had them first, and which news agency they are attributed to? A key's list in the
index (``index.Corpus`` postings) holds one entry per duplicate group (its earliest carrier's first
posting), and an entry is paired only with the nearest earlier entry of its key that lies on a common
10-word run, looking back at most ``LOOKBACK`` entries (so a passage carried by 500 outlets costs ~499
pairs, not 124,750); pairs are grown to maximal common spans all at once with numpy ("found" spans),
and each span is looked up again through its first window's posting (its anchor) to find every article
carrying it. Only the first ``key_groups_max`` entries of a key's list pair (``heads``), earliest first, so an
entry arriving later changes nothing before it; a key that more groups select (a stock phrase, site furniture) is
crowded and anchors nothing, so no passage's carriers grow with the corpus. Spans nested in one another are pruned
to the passage a reader would name (``prune``).
What an article finds depends only on its text and those windows, which is what lets ``incremental``
add an article by re-deriving only its neighbours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from storyline.agencies import attributions, local_agencies_quick, wire_credit
from storyline.dedupe.index import LOOKBACK, TAG_QUOTED, WINNOW_K, WINNOW_W, Corpus, winnow_picks
from storyline.dedupe.options import DedupeOptions
from storyline.dedupe.sources import order_passages
from storyline.dedupe.tokens import I64, POLY, U64, gram_hashes, member, mix, token_strings
from storyline.records import Article, Duplicate, Passage, content_id
from storyline.text import sentence_spans

__all__ = [
    "Found",
    "Passages",
    "SpanRows",
    "SpanSearch",
    "anchor",
    "anchor_offset",
    "dedupe",
    "distinct_rows",
    "find_passages",
    "first_entries",
    "grow_rows",
    "heads",
    "is_reuse",
    "pair_entries",
    "prune",
    "run_window",
    "shares_run",
    "span_id",
]

# Text that one outlet alone carries, in this many of its articles that are not copies of one another, is that
# outlet's furniture (page footers, comment rules, newsletter plugs, a standing background paragraph) that the
# text extractor left in, not copy passed between outlets. On Timeline17's raw pages such spans were the largest
# "passages" (a Reuters footer in 906 articles, CNN's comment rules in 97) and, credited to the outlet, folded
# all its articles into one source. An outlet's own updated story (two to four versions sharing paragraphs)
# stays a passage, as does any span that a second outlet carries.
_FURNITURE_ARTICLES = 5


def is_reuse(groups: Iterable[object], outlets: Iterable[str | None]) -> bool:
    """Whether a span carried by articles of these duplicate ``groups`` and ``outlets`` is a reused passage.

    Two groups at least (a copy and its source share everything), and not one outlet's furniture
    (``_FURNITURE_ARTICLES``). Articles of unknown outlet never make furniture.

    Example:
        >>> is_reuse({"a", "b"}, ["Kyodo", "TASS"]), is_reuse({"a"}, ["Kyodo", "Kyodo"])
        (True, False)
    """
    distinct = set(groups)
    if len(distinct) < 2:
        return False
    named = set(outlets)
    return not (len(distinct) >= _FURNITURE_ARTICLES and len(named) == 1 and not ({None, ""} & named))


# --------------------------------------------------------------------------- found spans


@dataclass(slots=True)
class Found:
    """A span of tokens that articles share, as found (its carriers filled in by ``Passages.locate``)."""

    start: int  # global token position of the span in the first article seen carrying it
    length: int
    occurrences: dict[int, int] = field(default_factory=dict)  # doc rank -> first token index
    producers: set[int] = field(default_factory=set)  # ranks of the later articles of the pairs that found it


class Passages:
    """Finds shared spans in a ``Corpus`` and turns them into ``Passage`` records."""

    def __init__(
        self,
        corpus: Corpus,
        targets: Iterable[int] | None = None,
        search: SpanSearch | None = None,
        crowded: Iterable[int] = (),
    ) -> None:
        """``targets``: ranks of the articles whose own reuse is wanted (pairs whose later article is one of
        them); all articles when None. ``search``: the pairing and growing of a whole corpus (no ``targets``, no
        ``Corpus.entries``) done elsewhere (``batch.passages``), in place of ``_rows``. ``crowded``: a slice's
        (signed) keys that more than ``key_groups_max`` groups select in the larger corpus (they anchor nothing).

        Raises:
            ValueError: ``search`` with ``targets`` or a slice of a corpus."""
        if search is not None and (targets is not None or corpus.entries is not None):
            raise ValueError("a passage search done elsewhere is of a whole corpus")
        self.search = search
        self.c = corpus
        self.opts = corpus.options
        self.targets = None if targets is None else np.asarray(sorted(targets), dtype=np.int64)
        # Postings sorted by key; within a key, earliest article first (they were made in rank order). A slice
        # of a larger corpus keeps only the keys it covers (``Corpus.entries``): ``_collect`` would drop the
        # others' postings anyway, and a window article holds hundreds of keys nobody looks back through.
        if corpus.entries is None:
            order = np.argsort(corpus.post_keys, kind="stable")
        else:
            covered = np.sort(np.asarray(list(corpus.entries[0]), dtype=np.int64).view(np.uint64))
            at = np.flatnonzero(member(corpus.post_keys, covered))
            order = at[np.argsort(corpus.post_keys[at], kind="stable")]
        self.keys: U64 = corpus.post_keys[order]
        self.pos: I64 = corpus.post_pos[order]
        self.isq: npt.NDArray[np.bool_] = corpus.post_quoted[order]
        self.docs: I64 = corpus.post_doc[order].astype(np.int64)
        self.quotations: dict[int, list[tuple[int, int]]] = {}
        self.local: dict[int, dict[str, str]] = {}
        self.credit: dict[int, str | None] = {}
        self.sentences: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self.attributed: dict[tuple[int, int, int], dict[str, int]] = {}
        # keys more than ``key_groups_max`` duplicate groups select (found by ``_collect`` over a whole corpus; a
        # slice is given those among its keys), and the rank of each one's last pairing entry (a whole corpus)
        self.crowded: U64 = np.sort(np.asarray(list(crowded), dtype=np.int64).view(np.uint64))
        self.crowded_last: I64 = np.zeros(0, np.int64)

    def run(self) -> list[Passage]:
        found = [f for f in self.found().values() if self.locate(f)]
        passages = [self.passage(f) for f in prune(found, self.opts.passage_min_words)]
        return order_passages(passages, {a.id: a for a in self.c.articles})

    def found(self) -> dict[bytes, Found]:
        """The maximal common spans of the pairs (keyed by their token hashes), before carriers are looked up.

        A span without an anchor (``anchor``: every key a window inside it selects is crowded,
        ``DedupeOptions.key_groups_max``) is left out: it is furniture or a stock phrase."""
        spans: dict[bytes, Found] = {}
        self._collect(spans)
        return {t: f for t, f in spans.items() if self.anchor(self.c.hashes[f.start : f.start + f.length])}

    def crowded_key(self, key: int) -> bool:
        """Whether ``key`` (signed) anchors nothing: crowded, or not held here (a slice covers the keys of its
        target articles, ``Corpus.entries``)."""
        k = np.asarray([key], dtype=np.int64).view(np.uint64)
        return not bool(member(k, self.keys)[0]) or bool(member(k, self.crowded)[0])

    def anchor(self, span: U64) -> tuple[np.uint64, int] | None:
        """``anchor`` of ``span`` in this corpus, skipping crowded keys."""
        return anchor(span, self.opts, self.crowded_key)

    def _collect(self, spans: dict[bytes, Found]) -> None:
        """Pair articles that share a posting, and record their maximal common spans (``search`` when given)."""
        if self.search is not None:
            rows, self.crowded, self.crowded_last = self.search(self.c)
            rows = distinct_rows(*rows)
        else:
            rows = self._rows()
        for a, b, i, j, n in zip(*(r.tolist() for r in rows)):
            self._keep(a, b, i, j, n, spans)

    def _rows(self) -> SpanRows:
        """The maximal common spans of the pairs the postings make (``SpanRows``)."""
        c = self.c
        keys, pos, docs, isq = self.keys, self.pos, self.docs, self.isq
        if keys.size < 2:
            return _no_rows()
        group = np.asarray(c.group, dtype=np.int64)[docs]
        # A key's list holds one posting per duplicate group: the first of the group's earliest carrier
        # (copies say nothing new). Inside one corpus that is computed here; a slice of a larger corpus is
        # told which postings those are (``Corpus.entries``), so its lists equal the larger corpus's lists
        # wherever a target article's postings look back.
        first = first_entries(keys, group)
        if c.entries is None:
            # Only a list's first ``key_groups_max`` entries pair: a longer list is a stock phrase or furniture, and
            # what it pairs stays what its earliest entries pair (a slice is told which entries those are).
            first, self.crowded, last = heads(keys, first, self.opts.key_groups_max)
            self.crowded_last = docs[last]
        else:
            # (key, article) pairs as one 64-bit hash each, then one vectorised membership test
            _, allowed = c.entries
            pairs = [(k, c.rank[a]) for k, a in allowed if a in c.rank]
            want = _pair_hash(
                np.asarray([k for k, _ in pairs], dtype=np.int64).view(np.uint64),
                np.asarray([r for _, r in pairs], dtype=np.int64),
            )
            at = np.flatnonzero(first)
            first[at] = member(_pair_hash(keys[at], docs[at]), np.sort(want))
        keys, pos, docs, isq, group = keys[first], pos[first], docs[first], isq[first], group[first]
        need = np.ones(keys.size, dtype=np.bool_) if self.targets is None else member(docs, self.targets)
        ia, ib = pair_entries(keys, group, isq, need, lambda x, y: self._shares_run(pos[x], pos[y]))
        if ia.size == 0:
            return _no_rows()
        return grow_rows(c.hashes, c.offsets, pos[ia], pos[ib])

    def _shares_run(self, ga: I64, gb: I64) -> npt.NDArray[np.bool_]:
        """``shares_run`` in this corpus."""
        return shares_run(self.c.hashes, self.c.offsets, ga, gb, self.opts.passage_min_words)

    def _keep(self, a: int, b: int, i: int, j: int, length: int, spans: dict[bytes, Found]) -> None:
        """Record the maximal common span of ``a`` at ``i`` and ``b`` at ``j`` if it is long or quoted enough."""
        c = self.c
        if length < self.opts.passage_min_words:
            core = self._quotation_in(a, i, b, j, length) or self._quotation_in(b, j, a, i, length)
            if core is None:
                return
            i, j, length = i + core[0], j + core[0], core[1]
        oa = int(c.offsets[a])
        tokens = c.hashes[oa + i : oa + i + length].tobytes()
        found = spans.get(tokens)
        if found is None:
            found = spans[tokens] = Found(oa + i, length)
        found.occurrences.setdefault(a, i)
        found.occurrences.setdefault(b, j)
        found.producers.add(b)

    def _quotation_in(self, a: int, i: int, b: int, j: int, length: int) -> tuple[int, int] | None:
        """A whole quotation in ``a`` inside the shared span, quoted in ``b`` too: (offset, length).

        Short shared spans count only as quoted phrases: "cooperation between the two
        countries" inside two long, different quotes is chance, while bilateral "strategic and
        tactical cooperation" quoted on its own is an excerpt of the same statement.
        """
        best: tuple[int, int] | None = None
        ob = int(self.c.offsets[b])
        for qs, qe in self._quotations(a):
            if qs >= i and qe <= i + length and qe - qs >= self.opts.quoted_min_words:
                off = qs - i
                if bool(self.c.quoted[ob + j + off : ob + j + off + qe - qs].all()):
                    if best is None or qe - qs > best[1]:
                        best = (off, qe - qs)
        return best

    def _quotations(self, d: int) -> list[tuple[int, int]]:
        """Token ranges of the quotations in article ``d`` (runs of quoted tokens)."""
        cached = self.quotations.get(d)
        if cached is None:
            c = self.c
            q = np.concatenate([[False], c.quoted[c.offsets[d] : c.offsets[d + 1]], [False]]).astype(np.int8)
            edges = np.flatnonzero(np.diff(q))
            cached = self.quotations[d] = list(zip(edges[0::2].tolist(), edges[1::2].tolist()))
        return cached

    def locate(self, found: Found) -> bool:
        """Find every article containing the span, through a posting every carrier of it has.

        A span of ``passage_min_words`` or more: the 5-gram winnowing selects in its first window (same
        offset in every carrier, by the winnowing guarantee). A shorter one is a quotation: its first
        quoted 4-gram, which every carrier that quotes it has.
        """
        c = self.c
        h = c.hashes
        length, s = found.length, found.start
        span = h[s : s + length]
        got = self.anchor(span)
        if got is None:  # every key of the span is crowded (``found`` leaves such spans out)
            return False
        return self.locate_tokens(found, span, *got)

    def locate_tokens(self, found: Found, span: U64, key: np.uint64, best: int) -> bool:
        """``locate`` for a span given by its tokens, and its anchor posting and that posting's offset."""
        c = self.c
        h = c.hashes
        length = span.size
        lo = int(np.searchsorted(self.keys, key, side="left"))
        hi = int(np.searchsorted(self.keys, key, side="right"))
        starts = self.pos[lo:hi] - best
        docs = self.docs[lo:hi]
        ok = (starts >= c.offsets[docs]) & (starts + length <= c.offsets[docs + 1])
        starts, docs = starts[ok], docs[ok]
        if starts.size <= 64:  # the usual case: a few carriers, compared whole
            want = span.tobytes()
            same_l = [h[g : g + length].tobytes() == want for g in starts.tolist()]
            starts, docs = starts[same_l], docs[same_l]
        else:
            for j in range(length):
                if starts.size == 0:
                    break
                same = h[starts + j] == span[j]
                starts, docs = starts[same], docs[same]
        if length < self.opts.passage_min_words and starts.size:
            whole = np.asarray([bool(c.quoted[g : g + length].all()) for g in starts.tolist()], dtype=np.bool_)
            starts, docs = starts[whole], docs[whole]
        for g, d in zip(starts.tolist(), docs.tolist()):
            p = g - int(c.offsets[d])
            if d not in found.occurrences or found.occurrences[d] > p:
                found.occurrences[d] = p
        return is_reuse({c.group[d] for d in found.occurrences}, [c.articles[d].outlet for d in found.occurrences])

    def passage(self, found: Found) -> Passage:
        c = self.c
        ranks = sorted(found.occurrences)
        origin = c.articles[ranks[0]]
        o = int(c.offsets[ranks[0]])
        s = o + found.occurrences[ranks[0]]
        e = s + found.length - 1
        text = origin.text[int(c.starts[s]) : int(c.ends[e])]
        return Passage(
            # The id hashes the word tokens, so it does not change when an earlier copy with
            # other quotes or capitals becomes the origin.
            id=content_id("p", " ".join(token_strings(text))),
            text=text,
            articles=tuple(c.articles[r].id for r in ranks),
            origin_article=origin.id,
            origin_agency=self._agency(found, ranks),
        )

    def _agency(self, found: Found, ranks: list[int]) -> str | None:
        """The agency the text around the span credits, by strength and then by how many articles say so."""
        c = self.c
        score: dict[str, int] = {}
        groups: set[int] = set()
        for r in ranks:
            # A copy says what its canonical says around the span: count each duplicate group once.
            if c.group[r] in groups:
                continue
            groups.add(c.group[r])
            text = c.articles[r].text
            s = int(c.offsets[r]) + found.occurrences[r]
            cs, ce = int(c.starts[s]), int(c.ends[s + found.length - 1])
            # Sentences never cross a line break (text.sentence_spans), so split only the
            # paragraph(s) holding the span.
            para_start = text.rfind("\n", 0, cs) + 1
            para_end = text.find("\n", ce)
            para_end = len(text) if para_end < 0 else para_end
            sentences = self.sentences.get((r, para_start))
            if sentences is None:  # passages often share a paragraph
                sentences = self.sentences[(r, para_start)] = sentence_spans(text[para_start:para_end])
            around = [
                (para_start + a, para_start + b) for a, b in sentences if para_start + a < ce and para_start + b > cs
            ]
            lo = min([cs] + [a for a, _ in around])
            hi = max([ce] + [b for _, b in around])
            found_here = self.attributed.get((r, lo, hi))
            if found_here is None:
                context = text[lo:hi]
                # Only spellings present in the context can matter (an empty mapping spares agency_spans a regex).
                local = {k: v for k, v in self._local(r).items() if k in context}
                found_here = self.attributed[(r, lo, hi)] = attributions(context, local)
            for agency, strength in found_here.items():
                score[agency] = score.get(agency, 0) + strength
        if not score:
            # Nothing around the span names a source: the agency whose wire copy carried it is the origin
            # ("EBBERSFELD, July 8 /NNS/ - ..."), if the carrying articles that credit a wire agree on one.
            # Two different wires (a Kyodo and a TASS story sharing a phrase) both took it from elsewhere.
            credits = {cr for r in ranks if (cr := self._credit(r)) is not None}
            return credits.pop() if len(credits) == 1 else None
        return max(score, key=lambda a: score[a])  # ties: first seen, i.e. earliest article

    def _credit(self, rank: int) -> str | None:
        if rank not in self.credit:
            self.credit[rank] = wire_credit(self.c.articles[rank])
        return self.credit[rank]

    def _local(self, rank: int) -> dict[str, str]:
        """The agencies article ``rank`` defines itself, computed once per article."""
        local = self.local.get(rank)
        if local is None:
            local = self.local[rank] = local_agencies_quick(self.c.articles[rank].text)
        return local


def prune(found: list[Found], min_words: int, only: set[int] | None = None) -> list[Found]:
    """Fold spans nested in one another into the passage a reader would name.

    For a span S inside a longer span T (in an article carrying T):
    - the same articles carry both: S is a fragment of T, drop S;
    - more articles carry S and T adds fewer than ``min_words`` (``passage_min_words``) words: T is S with a
      ragged edge (one outlet kept the word "that" before the quote), drop T. A longer
      addition is a reused passage of its own, and both stay.

    ``only``: indices into ``found`` whose fate is wanted (an incremental update deciding a few spans against
    every span their carriers carry); only pairs holding one of them are compared, and the others' fate in the
    result means nothing.
    """
    by_doc: dict[int, list[int]] = {}
    for n, f in enumerate(found):
        for d in f.occurrences:
            by_doc.setdefault(d, []).append(n)
    wanted = by_doc
    if only is not None:
        wanted = {}
        for n in sorted(only):
            for d in found[n].occurrences:
                wanted.setdefault(d, []).append(n)
    drop: set[int] = set()
    for t, outer in enumerate(found):
        d, ts = min(outer.occurrences.items())
        te = ts + outer.length
        docs_t = outer.occurrences.keys()
        # a wanted outer span meets every span of its first carrier; any other only the wanted ones there
        for s in by_doc[d] if only is None or t in only else wanted.get(d, ()):
            inner = found[s]
            ss = inner.occurrences[d]
            if s == t or inner.length >= outer.length or ss < ts or ss + inner.length > te:
                continue
            docs_s = inner.occurrences.keys()
            if docs_s == docs_t:
                drop.add(s)
            elif docs_s >= docs_t and outer.length - inner.length < min_words:
                drop.add(t)
    kept = [f for n, f in enumerate(found) if n not in drop]
    return sorted(kept, key=lambda f: (min(f.occurrences), min(f.occurrences.items())[1], -f.length))


# --------------------------------------------------------------------------- the search, as pure functions
# ``Passages._rows`` in steps that also run where the postings and tokens are (``batch.passages``: per key
# group, then per pair of articles), on global token positions (``hashes`` and ``offsets`` of a corpus) or on
# any smaller arrays holding the same tokens.

# The maximal common spans the pairs make, one row each, distinct and sorted: (rank of the earlier article,
# rank of the later, start in the earlier, start in the later, length); ``Passages._keep`` takes them in order.
SpanRows = tuple[I64, I64, I64, I64, I64]
# A search done elsewhere (``batch.passages``): a whole corpus's ``SpanRows`` (any order; repeats are fine), its
# crowded keys (sorted unique) and the article rank of each one's last pairing entry, as ``Passages._rows`` finds
# them (``heads``), for ``Passages(search=...)``.
SpanSearch = Callable[[Corpus], tuple[SpanRows, U64, I64]]


def _no_rows() -> SpanRows:
    z = np.zeros(0, np.int64)
    return z, z, z, z, z


def first_entries(keys: U64, group: I64) -> npt.NDArray[np.bool_]:
    """Which postings are the first of their duplicate group in their key's list (copies say nothing new).

    ``keys`` sorted, each key's postings in corpus order (earliest article first, then position)."""
    order = np.lexsort((np.arange(keys.size), group, keys))
    ks, gs = keys[order], group[order]
    lead = np.concatenate(([True], (ks[1:] != ks[:-1]) | (gs[1:] != gs[:-1])))
    first = np.zeros(keys.size, dtype=np.bool_)
    first[order[lead]] = True
    return first


def heads(keys: U64, first: npt.NDArray[np.bool_], key_groups_max: int) -> tuple[npt.NDArray[np.bool_], U64, I64]:
    """The entries that pair: the first ``key_groups_max`` of each key's list (``first_entries``, earliest first).

    Entries further down a crowded list pair nothing through its key, so an entry that arrives later (by
    publication) changes no earlier entry's pairs, and what a stock phrase pairs stays what its earliest carriers
    pair. ``keys`` sorted, each key's postings in corpus order.

    Returns:
        The entries that pair (a mask over ``keys``), the crowded keys (sorted unique: more than ``key_groups_max``
        entries), and the index of each crowded key's last pairing entry.

    Example:
        >>> keys = np.asarray([1, 1, 1, 2], dtype=np.uint64)
        >>> pair, crowded, last = heads(keys, np.ones(4, dtype=np.bool_), 2)
        >>> pair.tolist(), crowded.tolist(), last.tolist()
        ([True, True, False, True], [1], [1])
    """
    at = np.flatnonzero(first)
    listed = keys[at]
    starts = np.flatnonzero(np.concatenate(([True], listed[1:] != listed[:-1]))) if at.size else at
    size = np.diff(np.append(starts, at.size))
    place = np.arange(at.size) - np.repeat(starts, size)
    pair = first.copy()
    pair[at[place >= key_groups_max]] = False
    over = starts[size > key_groups_max]
    return pair, listed[over], at[over + key_groups_max - 1].astype(np.int64)


def pair_entries(
    keys: U64,
    group: I64,
    quoted: npt.NDArray[np.bool_],
    need: npt.NDArray[np.bool_],
    runs: Callable[[I64, I64], npt.NDArray[np.bool_]],
) -> tuple[I64, I64]:
    """Each entry pairs with the nearest earlier entry of its key (another duplicate group) that shares a run with
    it (``runs`` of two index arrays; a quoted 4-gram needs none); entries that find none look up to ``LOOKBACK``
    entries back. Only entries ``need`` look back. ``keys`` sorted, one entry per group and key (``first_entries``).

    Returns:
        The indices of the earlier and the later entry of each pair.
    """
    need = need.copy()
    pa_l: list[I64] = []
    pb_l: list[I64] = []
    for back in range(1, LOOKBACK + 1):
        if keys.size <= back:
            break
        idx = np.flatnonzero((keys[back:] == keys[:-back]) & (group[back:] != group[:-back]) & need[back:])
        if idx.size == 0:
            continue
        ok = quoted[idx + back] | runs(idx, idx + back)
        pa_l.append(idx[ok])
        pb_l.append(idx[ok] + back)
        need[idx[ok] + back] = False
    if not pa_l:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(pa_l), np.concatenate(pb_l)


def shares_run(h: U64, offsets: I64, ga: I64, gb: I64, min_words: int) -> npt.NDArray[np.bool_]:
    """Whether same-key postings at starts ``ga``, ``gb`` (into ``h``, whose articles ``offsets`` bound) lie on a
    common run of ``min_words`` (``passage_min_words``).

    The run must hold the posting's own 5-gram, so it starts at most ``t - 5`` tokens before it: only the tokens
    from ``t - 5`` before a posting to ``t`` after its start are read (``run_window``).
    """
    t, k = min_words, WINNOW_K
    if ga.size == 0:
        return np.zeros(0, np.bool_)
    da, db = _doc_of(offsets, ga), _doc_of(offsets, gb)
    lo_a, hi_a = offsets[da], offsets[da + 1]
    lo_b, hi_b = offsets[db], offsets[db + 1]
    span = max(0, t - k)  # how far before the n-gram a run holding it may start
    eq = np.zeros((span + t, ga.size), dtype=np.bool_)
    for j in range(-span, t):
        xa, xb = ga + j, gb + j
        valid = (xa >= lo_a) & (xa < hi_a) & (xb >= lo_b) & (xb < hi_b)
        eq[j + span] = valid & (h[np.where(valid, xa, 0)] == h[np.where(valid, xb, 0)])
    run = np.zeros(ga.size, dtype=np.bool_)
    for o in range(span + 1):
        run |= eq[o : o + t].all(axis=0)
    return run


def run_window(min_words: int) -> tuple[int, int]:
    """The tokens ``shares_run`` reads around a posting: from this many before its start to this many after."""
    return max(0, min_words - WINNOW_K), min_words


def _doc_of(offsets: I64, gpos: I64) -> I64:
    return np.asarray(np.searchsorted(offsets, gpos, side="right") - 1, dtype=np.int64)


def grow_rows(h: U64, offsets: I64, ga: I64, gb: I64) -> SpanRows:
    """The maximal common spans of the paired postings at ``ga``, ``gb`` (into ``h``, whose articles ``offsets``
    bound), as distinct sorted ``SpanRows`` (articles are indices into ``offsets``, starts are within them)."""
    # Candidates on one diagonal of one pair with only equal tokens between them grow into the same
    # span: keep the first of each such chain (inside a shared run winnowing selects every <= 6 tokens).
    da, db = _doc_of(offsets, ga), _doc_of(offsets, gb)
    diag = (gb - offsets[db]) - (ga - offsets[da])
    order = np.lexsort((ga, diag, db, da))
    ga, gb, da, db, diag = ga[order], gb[order], da[order], db[order], diag[order]
    gap = ga[1:] - ga[:-1]
    near = np.flatnonzero((da[1:] == da[:-1]) & (db[1:] == db[:-1]) & (diag[1:] == diag[:-1]) & (gap <= WINNOW_W + 2))
    if near.size:
        steps = np.arange(WINNOW_W + 3)
        xa, xb = ga[near, None] + steps, gb[near, None] + steps
        last = h.size - 1
        same = (h[np.minimum(xa, last)] == h[np.minimum(xb, last)]) | (steps > gap[near, None])
        chained = np.zeros(ga.size, dtype=np.bool_)
        chained[near[same.all(axis=1)] + 1] = True
        ga, gb, da, db = ga[~chained], gb[~chained], da[~chained], db[~chained]
    # Grow every candidate to its maximal common span at once, then handle each distinct span once.
    sa, sb, length = _maximal_spans(h, ga, gb, offsets[da], offsets[db], offsets[da + 1], offsets[db + 1])
    return distinct_rows(da, db, sa - offsets[da], sb - offsets[db], length)


def distinct_rows(da: I64, db: I64, pa: I64, pb: I64, length: I64) -> SpanRows:
    """Rows sorted by articles then starts, each once."""
    order = np.lexsort((pb, pa, db, da))
    rows = [da[order], db[order], pa[order], pb[order], length[order]]
    new = np.ones(order.size, dtype=np.bool_)
    new[1:] = (
        (rows[0][1:] != rows[0][:-1])
        | (rows[1][1:] != rows[1][:-1])
        | (rows[2][1:] != rows[2][:-1])
        | (rows[3][1:] != rows[3][:-1])
    )
    return rows[0][new], rows[1][new], rows[2][new], rows[3][new], rows[4][new]


def _pair_hash(keys: U64, docs: I64) -> U64:
    """One 64-bit hash per (key, article rank) pair (a collision is as unlikely as one between keys)."""
    with np.errstate(over="ignore"):
        return mix(keys ^ mix(docs.astype(np.uint64) + POLY))


def anchor(
    span: U64, options: DedupeOptions, crowded: Callable[[int], bool] | None = None
) -> tuple[np.uint64, int] | None:
    """The index key every carrier of ``span`` has at a fixed offset in it, and that offset; None when there is none.

    A span of ``passage_min_words`` or more: the first 5-gram that a winnowing window lying inside the span
    selects (the same offset in every carrier, whatever surrounds the span, by the winnowing guarantee) whose key
    is not ``crowded`` (signed key -> whether more than ``key_groups_max`` groups select it); the first window's is
    the usual one. A shorter one is a quotation: its first quoted 4-gram, which every carrier that quotes it has.
    """
    if span.size >= options.passage_min_words:
        head = gram_hashes(span[: WINNOW_K + WINNOW_W - 1], WINNOW_K)
        best = int(np.argmin(head))  # the first window's pick: the first of every window's picks
        if crowded is None or not crowded(int(head[best : best + 1].view(np.int64)[0])):
            return head[best], best
        grams = gram_hashes(span, WINNOW_K)
        for best in winnow_picks(grams).tolist():  # a span of passage_min_words has >= WINNOW_W grams
            if not crowded(int(grams[best : best + 1].view(np.int64)[0])):
                return grams[best], best
        return None
    first = mix(gram_hashes(span[: options.quoted_min_words], options.quoted_min_words) ^ TAG_QUOTED)
    if crowded is not None and crowded(int(first.view(np.int64)[0])):
        return None
    return first[0], 0


def anchor_offset(span: U64, options: DedupeOptions, key: int) -> int:
    """Where a stored span's (signed) anchor ``key`` sits in it (``anchor`` chose it earlier)."""
    if span.size < options.passage_min_words:
        return 0
    head = gram_hashes(span[: WINNOW_K + WINNOW_W - 1], WINNOW_K)
    best = int(np.argmin(head))
    if int(head[best : best + 1].view(np.int64)[0]) == key:
        return best
    # the first pick holding the key: the picks before the anchor hold crowded keys, never the anchor's own
    grams = gram_hashes(span, WINNOW_K)
    picks = winnow_picks(grams)
    return int(picks[grams[picks].view(np.int64) == key][0])


def _maximal_spans(h: U64, ga: I64, gb: I64, lo_a: I64, lo_b: I64, hi_a: I64, hi_b: I64) -> tuple[I64, I64, I64]:
    """Extend equal tokens ``h[ga] == h[gb]`` left and right while they stay equal and inside their articles.

    Vectorised over all candidates, one token step per round on those still growing (rounds = the longest
    extension). Returns the spans' global starts in both and their length.
    """
    sa, sb = ga.copy(), gb.copy()
    live = np.flatnonzero(h[ga] == h[gb])
    ea, eb = ga.copy(), gb.copy()  # exclusive ends, grown below
    ea[live] += 1
    eb[live] += 1
    grow = live
    while grow.size:  # left
        x, y = sa[grow] - 1, sb[grow] - 1
        ok = (x >= lo_a[grow]) & (y >= lo_b[grow])
        ok[ok] = h[x[ok]] == h[y[ok]]
        grow = grow[ok]
        sa[grow] -= 1
        sb[grow] -= 1
    grow = live
    while grow.size:  # right
        x, y = ea[grow], eb[grow]
        ok = (x < hi_a[grow]) & (y < hi_b[grow])
        ok[ok] = h[x[ok]] == h[y[ok]]
        grow = grow[ok]
        ea[grow] += 1
        eb[grow] += 1
    return sa, sb, ea - sa


def find_passages(articles: Sequence[Article], options: DedupeOptions = DedupeOptions()) -> list[Passage]:
    """Find spans of text shared by two or more articles that are not copies of each other.

    Args:
        articles: the articles, in any order; ids must be unique.
        options: span lengths (see ``DedupeOptions``).

    Returns:
        Passages ordered by origin article (earliest first) then position in it. ``text`` is
        the span exactly as the origin (earliest) article writes it, ``articles`` every article
        containing it (earliest first), ``origin_agency`` the news agency the text around it
        credits, if any. A span shorter than ``passage_min_words`` counts only where it is
        quoted.

    Raises:
        ValueError: two articles share an id.
    """
    return dedupe(articles, options)[1]


def dedupe(
    articles: Sequence[Article], options: DedupeOptions = DedupeOptions()
) -> tuple[list[Duplicate], list[Passage]]:
    """``find_duplicates`` and ``find_passages`` together, tokenising the articles once."""
    corpus = Corpus(articles, options)
    return corpus.duplicates, Passages(corpus).run()


def span_id(corpus: Corpus, found: Found) -> str:
    """The passage id of a found span (as ``Passages.passage`` makes it): a hash of its word tokens.

    Every carrier has the same tokens, so any carrier tokenised from its text gives the id (one at least must be)."""
    r, pos = next((r, pos) for r, pos in found.occurrences.items() if corpus.has_text(r))
    s = int(corpus.offsets[r]) + pos
    text = corpus.articles[r].text[int(corpus.starts[s]) : int(corpus.ends[s + found.length - 1])]
    return content_id("p", " ".join(token_strings(text)))
