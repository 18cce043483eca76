"""The entity merge kept as state, so k new articles change only the entities they touch (issue 15).

``merge_entities`` (``storyline.link``) re-reads every spelling of the corpus. ``MergeState`` keeps what its rules
need per merge key (spelling and type tallies, the articles naming it), an index of terms (skeleton, first and
last word, initials, one-deletion variants) and the title observations; ``add`` folds new mentions in and
re-derives only the keys whose rule inputs changed, then the entities around them.

What ``add`` reads of new articles is a ``MergeTally``: per merge key, the spellings and types counted and the
articles naming it, and the (role, holder) pairs their texts' titles name. ``tally`` makes one from mentions and
texts; ``article_tally`` makes one article's part (``ArticleTally``) where the article is extracted, and tallies of
different articles add up (``MergeTally.add``, in input order), so a batch computes the keys in its tasks and the
driver only sums them, one row per key and article (``storyline.batch``).

The rules are ``merge_entities``'s with one change that makes them local: a short form, a misspelling and a title
decide against the full names' stage-one groups (transliterations and middle names), not against groups that
earlier short forms may have bridged. Ties between equally long names break by the key, not by first sight.
Contract: ``add`` in any batching gives what one ``add`` of everything gives (tests/test_entity_merge_incremental.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter

from storyline.extract.entities import government_of, name_key
from storyline.extract.entities.titles import role_key, titled_names
from storyline.link import (
    MIN_FUZZY_LEN,
    deletions,
    initials,
    is_subsequence,
    majority_type,
    mention_key,
    name_skeleton,
    one_edit,
)
from storyline.records import Entity, Mention, content_id
from storyline.unionfind import UnionFind

__all__ = ["ArticleTally", "MergeState", "MergeTally", "article_tally", "merge_entities_local", "tally"]

_SPECIAL = ("agency ", "government ", "title ")
_TEXT_TYPE = attrgetter("text", "type")
_TEXT_TYPE_ARTICLE = attrgetter("text", "type", "article")
_Comp = frozenset[str]


def key_terms(key: str, spellings: Iterable[str]) -> set[str]:
    """Index terms of a key: every rule compares only keys sharing a term (status-independent, so they only grow)."""
    terms: set[str] = set()
    if key.startswith("agency "):
        return {"ac:" + i for s in spellings if " " in name_key(s) for i in initials(name_key(s))}
    if " " in key:
        w = key.split()
        terms |= {"f:" + w[0]} | {"ac:" + i for i in initials(key)}
        if not key.startswith(_SPECIAL):
            terms |= {"sk:" + "|".join(name_skeleton(key)), "fl:" + w[0] + " " + w[-1], "l:" + w[-1]}
            if len(w[-1]) >= MIN_FUZZY_LEN:
                terms |= {"dv:" + v for v in deletions(w[-1])}
    elif len(key) >= MIN_FUZZY_LEN:
        terms |= {"qv:" + v for v in deletions(key)}
    return terms


def _status(key: str, spellings: Counter[str] | None, types: Counter[str] | None) -> tuple[object, ...]:
    """What the rules read of a key's tallies: majority type, an acronym-like spelling, its terms."""
    if not types or spellings is None:
        return ("absent",)
    upper = any(s.isupper() and s.isalpha() and 2 <= len(s) <= 6 for s in spellings)
    return (majority_type(types), upper, frozenset(key_terms(key, spellings)))


def _prefixes(name: str) -> list[str]:
    """The keys an observed holder name may resolve to (``_known_prefix``): leading runs of two words or more."""
    words = name.split()
    if len(words) == 1:
        return [name]
    return [" ".join(words[:n]) for n in range(2, len(words) + 1)]


@dataclass(frozen=True, slots=True)
class ArticleTally:
    """One article's part of a ``MergeTally``: each (spelling, type, count, merge key) it mentions, in first-seen
    order (spellings that name nothing left out), and the (role, holder key) pairs its text's titles name."""

    article: str
    spellings: tuple[tuple[str, str, int, str], ...] = ()
    titles: tuple[tuple[str, str], ...] = ()


@dataclass
class MergeTally:
    """What the merge reads of some articles: per merge key its spelling and type counts (first-seen order) and
    the articles naming it, the title observations, and the ids of the articles counted."""

    keys: dict[str, tuple[Counter[str], Counter[str]]] = field(default_factory=dict)
    articles: dict[str, set[str]] = field(default_factory=dict)
    titles: set[tuple[str, str]] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)

    def count(self, text: str, typ: str, n: int, key: str, article: str | None) -> None:
        """``n`` mentions of ``text`` typed ``typ`` (merge key ``key``) in ``article``."""
        tallies = self.keys.get(key)
        if tallies is None:
            tallies = self.keys[key] = (Counter(), Counter())
            self.articles[key] = set()
        tallies[0][text] += n
        tallies[1][typ] += n
        if article:
            self.articles[key].add(article)

    def add(self, part: ArticleTally | MergeTally) -> None:
        """Count an article's part, or another tally of other articles, in after what this one holds."""
        if isinstance(part, ArticleTally):
            for text, typ, n, key in part.spellings:
                self.count(text, typ, n, key, part.article)
            self.titles.update(part.titles)
            self.ids.add(part.article)
            return
        for key, (sp, ty) in part.keys.items():
            tallies = self.keys.get(key)
            if tallies is None:
                self.keys[key] = (Counter(sp), Counter(ty))
                self.articles[key] = set(part.articles[key])
            else:
                tallies[0].update(sp)
                tallies[1].update(ty)
                self.articles[key] |= part.articles[key]
        self.titles |= part.titles
        self.ids |= part.ids


def title_observations(text: str) -> set[tuple[str, str]]:
    """The (role, holder name key) pairs a text's titles name ("North Korean leader Kim Jong Un")."""
    found: set[tuple[str, str]] = set()
    for tm in titled_names(text):
        role = role_key(tm["place"], tm["role"])
        name = name_key(tm["name"]) if role is not None else ""
        if role is not None and name:
            found.add((" ".join(role), name))
    return found


def tally(mentions: Iterable[Mention], texts: Mapping[str, str] | Iterable[str] | None = None) -> MergeTally:
    """The tally of ``mentions`` and ``texts`` (article id -> text, or the texts alone, read once)."""
    out = MergeTally()
    mentions = list(mentions)
    # a corpus repeats few spellings many times (T17: 325k mentions, 48k distinct (text, type) pairs): each pair is
    # keyed once, in first-seen order
    key_of: dict[tuple[str, str], str] = {}
    for (text, typ), n in Counter(map(_TEXT_TYPE, mentions)).items():
        key = key_of[text, typ] = mention_key(text, typ)
        if key:
            out.count(text, typ, n, key, None)
    for text, typ, article in set(map(_TEXT_TYPE_ARTICLE, mentions)):
        key = key_of[text, typ]
        if key and article:
            out.articles[key].add(article)
    out.ids.update(m.article for m in mentions if m.article)
    for text in texts.values() if isinstance(texts, Mapping) else texts or ():
        out.titles |= title_observations(text)
    return out


def article_tally(article: str, mentions: Iterable[Mention], text: str) -> ArticleTally:
    """One article's part of the tally (its mentions and its text), as ``tally`` counts them."""
    counts = Counter((m.text, m.type) for m in mentions)
    spellings = tuple((t, ty, n, key) for (t, ty), n in counts.items() if (key := mention_key(t, ty)))
    return ArticleTally(article, spellings, tuple(sorted(title_observations(text))))


@dataclass
class _View:
    """The rules evaluated over one state, memoised for one ``add``."""

    st: MergeState
    comp1_memo: dict[str, _Comp] = field(default_factory=dict)
    dec_memo: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # keys whose stored stage-one root may be stale (None: no stored root is trusted)
    stale: set[str] | None = None
    primed: set[str] = field(default_factory=set)  # index terms whose keys were read ahead (``MergeState.want``)

    def exists(self, k: str) -> bool:
        return k in self.st.types

    def maj(self, k: str) -> str:
        return self.st.major[k]

    def fp(self, k: str) -> bool:
        return " " in k and not k.startswith(_SPECIAL) and self.exists(k) and self.maj(k) == "PERSON"

    def fo(self, k: str) -> bool:
        return " " in k and not k.startswith("agency ") and self.exists(k) and self.maj(k) == "ORG"

    def bucket(self, term: str) -> set[str]:
        """The keys filed under index ``term``. The rules look at nearly every one (its type, its root), so a stored
        state reads their rows ahead, in a few queries instead of one per key."""
        keys: set[str] = self.st.terms.get(term, set())
        if term not in self.primed:
            self.primed.add(term)
            self.st.want(keys)
        return keys

    def buckets(self, terms: Iterable[str]) -> set[str]:
        """The keys filed under any of ``terms`` (their lists read ahead together)."""
        terms = list(terms)
        fresh = [t for t in terms if t not in self.primed]
        if fresh:
            self.st.want_terms(fresh)
            self.st.want({k for t in fresh for k in self.st.terms.get(t, ())})
            self.primed.update(fresh)
        return {k for t in terms for k in self.st.terms.get(t, ())}

    def _stage1_neighbours(self, k: str) -> set[str]:
        out = {o for o in self.bucket("sk:" + "|".join(name_skeleton(k))) if self.fp(o)}
        w = k.split()
        group = sorted(
            (o for o in self.bucket("fl:" + w[0] + " " + w[-1]) if self.fp(o)), key=lambda o: (len(o.split()), o)
        )
        if group and group[0] == k:
            out |= {o for o in group[1:] if is_subsequence(k.split(), o.split())}
        elif group and is_subsequence(group[0].split(), w):
            out.add(group[0])
        return out - {k}

    def comp1(self, k: str) -> _Comp:
        """Stage one: full PERSON names joined by transliteration and middle names (a key alone otherwise)."""
        got = self.comp1_memo.get(k)
        if got is not None:
            return got
        if not self.fp(k):
            return frozenset((k,))
        seen, todo = {k}, [k]
        while todo:
            x = todo.pop()
            for o in self._stage1_neighbours(x) - seen:
                seen.add(o)
                todo.append(o)
        comp = frozenset(seen)
        for x in comp:
            self.comp1_memo[x] = comp
        return comp

    def root1(self, c: str) -> str:
        """The smallest key of ``c``'s stage-one group: stored, unless this update may have changed it."""
        if self.stale is not None and c not in self.stale:
            return self.st.root1.get(c, c)
        return min(self.comp1(c))

    def _unique(self, cands: Iterable[str]) -> str | None:
        roots = {self.root1(c) for c in cands}
        return roots.pop() if len(roots) == 1 else None

    def decisions(self, q: str) -> tuple[str, ...]:
        """The stage-one roots a one-word key joins: as an acronym, a short form, a misspelling."""
        got = self.dec_memo.get(q)
        if got is not None:
            return got
        out: list[str] = []
        if " " not in q and not q.startswith("agency ") and self.exists(q):
            spellings = self.st.spellings[q]
            if any(s.isupper() and s.isalpha() and 2 <= len(s) <= 6 for s in spellings):
                r = self._unique(self.bucket("ac:" + q))
                if r is not None:
                    out.append(r)
            if self.maj(q) in ("PERSON", "ORG"):
                cands = {c for c in self.bucket("f:" + q) | self.bucket("l:" + q) if self.fp(c)}
                cands |= {c for c in self.bucket("f:" + q) if self.fo(c)}
                r = self._unique(cands)
                if r is not None:
                    out.append(r)
                surname = any(self.fp(c) and c.split()[-1] == q for c in self.bucket("l:" + q))
                if len(q) >= MIN_FUZZY_LEN and not q.startswith(_SPECIAL) and not surname:
                    near = self.buckets("dv:" + v for v in deletions(q))
                    r = self._unique(c for c in near if self.fp(c) and one_edit(q, c.split()[-1]))
                    if r is not None:
                        out.append(r)
        res = self.dec_memo[q] = tuple(dict.fromkeys(out))
        return res

    def rep4(self, h: str) -> tuple[str, str]:
        """Who a title holder is after the name rules: its stage-one root, or the one root it joined."""
        if self.fp(h):
            return ("c", self.root1(h))
        targets = self.decisions(h)
        if len(targets) == 1:
            return ("c", targets[0])
        return ("k" if not targets else "b", h)

    def holder(self, t: str) -> str | None:
        """The key a title key joins: the only person the corpus names with that title."""
        if not t.startswith("title "):
            return None
        holders = set()
        for name in self.st.titles.get(t[len("title ") :], ()):
            h = next((p for p in reversed(_prefixes(name)) if self.exists(p)), None)
            if h is not None and self.maj(h) == "PERSON":
                holders.add(h)
        reps = {self.rep4(h) for h in holders}
        return min(holders) if len(reps) == 1 else None

    def forward(self, k: str) -> set[str]:
        out = set(self.comp1(k)) | set(self.decisions(k))
        h = self.holder(k)
        if h is not None:
            out.add(h)
        return out - {k}

    def queries_of(self, c: str) -> set[str]:
        """Keys whose decisions may read ``c`` (a superset: callers filter)."""
        out: set[str] = set()
        if " " in c:
            w = c.split()
            out |= {w[0], w[-1]}
            out |= initials(c) if not c.startswith("agency ") else set()
            if len(w[-1]) >= MIN_FUZZY_LEN:
                out |= self.buckets("qv:" + v for v in deletions(w[-1]))
        if c.startswith("agency "):
            out |= {t[3:] for t in key_terms(c, self.st.spellings.get(c, ()))}
        out |= {"title " + r for p in (c,) for r in self.st.prefix_roles.get(p, ())}
        return {q for q in out if self.exists(q)}

    def reverse(self, k: str) -> set[str]:
        out = set(self.comp1(k)) - {k}
        for c in self.comp1(k):
            out |= {q for q in self.queries_of(c) if k in self.forward(q)}
        return out


@dataclass
class MergeState:
    """Everything the merge rules read, per key, plus the stored partition; ``add`` updates it in place."""

    spellings: dict[str, Counter[str]] = field(default_factory=dict)
    types: dict[str, Counter[str]] = field(default_factory=dict)
    articles: dict[str, set[str]] = field(default_factory=dict)
    major: dict[str, str] = field(default_factory=dict)  # key -> majority type
    root1: dict[str, str] = field(default_factory=dict)  # full PERSON key -> smallest key of its stage-one group
    terms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    titles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # role -> holder names
    prefix_roles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    comp: dict[str, str] = field(default_factory=dict)  # key -> its rule component's smallest key
    entity_of: dict[str, str] = field(default_factory=dict)  # key -> entity id
    members: dict[str, set[str]] = field(default_factory=dict)  # entity id -> keys
    seen: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # id met while settling -> entities
    seen_by: dict[str, set[str]] = field(default_factory=dict)  # entity -> ids it met
    entities: dict[str, Entity] = field(default_factory=dict)

    def merged(self) -> bool:
        """Whether the state holds a partition already (a stored state does; an empty one merges from scratch)."""
        return bool(self.entity_of)

    def want(self, keys: Iterable[str]) -> None:
        """About to look at ``keys``: a state read from a store reads their rows now, together (this one holds all)."""

    def want_terms(self, terms: Iterable[str]) -> None:
        """About to look at the keys filed under ``terms`` (``want``, for the index's lists)."""

    def add(
        self, mentions: Iterable[Mention], texts: Mapping[str, str] | Iterable[str] | None = None
    ) -> tuple[set[str], set[str]]:
        """Fold new articles' mentions (and texts, for titles: article id -> text, or the texts alone, read once)
        in; returns (entity ids removed, ids written)."""
        return self.add_tally(tally(mentions, texts))

    def add_tally(self, new: MergeTally) -> tuple[set[str], set[str]]:
        """Fold new articles' tally in; returns (entity ids removed, ids written)."""
        # new tallies of the keys these mentions name, computed aside so the old state can still be read
        grown: dict[str, tuple[Counter[str], Counter[str]]] = {}
        for key, (sp, ty) in new.keys.items():
            grown[key] = (Counter(self.spellings.get(key, ())), Counter(self.types.get(key, ())))
            grown[key][0].update(sp)
            grown[key][1].update(ty)
        # new title observations (role, holder name)
        found = {(role, name) for role, name in new.titles if name not in self.titles.get(role, ())}
        if not self.merged():  # nothing merged yet: the components of every key, by their forward edges alone
            self._fold(grown, new.articles, found)
            after = _View(self)
            for k in self.types:
                if after.fp(k):
                    self.root1[k] = after.root1(k)
                else:
                    self.root1.pop(k, None)
            uf: UnionFind[str] = UnionFind(sorted(self.types))
            for k in sorted(self.types):
                for o in after.forward(k):
                    uf.union_min(k, o)
            return self._settle({frozenset(g) for g in uf.groups().values()}, set())
        status_keys = {
            k
            for k, (sp, ty) in grown.items()
            if _status(k, self.spellings.get(k), self.types.get(k)) != _status(k, sp, ty)
        }
        # the keys whose forward edges may change, and those edges as they were (stored roots are all valid now)
        before = _View(self, stale=set())
        c1: set[str] = set()
        for s in status_keys:
            for o in self._stage1_mates(before, s):
                c1 |= before.comp1(o)
        near = status_keys | c1
        near |= {q for c in near for q in before.queries_of(c)}
        roles = {r for r, _ in found} | {r for c in near for r in self.prefix_roles.get(c, ())}
        near |= {"title " + r for r in roles}
        was = {k: frozenset(before.forward(k)) for k in near if k in self.types}
        self._fold(grown, new.articles, found)
        after = _View(self)
        for s in status_keys:
            for o in self._stage1_mates(after, s):
                c1 |= after.comp1(o)
        touched = status_keys | c1
        after = _View(self, stale=set(touched))
        for k in touched:
            if after.fp(k):
                self.root1[k] = after.root1(k)
            else:
                self.root1.pop(k, None)
        near |= touched | {q for c in touched for q in after.queries_of(c)}
        near |= {"title " + r for c in near for r in self.prefix_roles.get(c, ())}
        # only keys whose edges did change (a candidate query that decides as before is left alone)
        edges = {k for k in near if k in self.types and frozenset(after.forward(k)) != was.get(k)}
        # the old entities around them, regrouped by walking the new edges
        ents = {self.entity_of[k] for k in edges if k in self.entity_of}
        walk = {k for e in ents for k in self.members[e]} | {k for k in edges if k not in self.entity_of}
        groups = {frozenset(g) for g in self._walk(after, walk, ents)}
        # old entities only re-counted keep their rule components (their edges did not change)
        rebuild = {self.entity_of[k] for k in grown if k in self.entity_of} - ents
        groups |= self._stored_groups(rebuild)
        ents |= rebuild
        return self._settle(groups, ents)

    def _fold(
        self,
        grown: Mapping[str, tuple[Counter[str], Counter[str]]],
        articles: Mapping[str, set[str]],
        found: Iterable[tuple[str, str]],
    ) -> None:
        """Fold the new tallies, articles, index terms and title observations in."""
        for key, (sp, ty) in grown.items():
            self.spellings[key], self.types[key] = sp, ty
            self.major[key] = majority_type(ty)
            self._index(key, key_terms(key, sp))
        self._add_articles(grown, articles)
        for r, name in found:
            self.titles[r].add(name)
            for p in _prefixes(name):
                self.prefix_roles[p].add(r)

    def _index(self, key: str, terms: Iterable[str]) -> None:
        """File ``key`` under its index terms."""
        for term in terms:
            self.terms[term].add(key)

    def _add_articles(self, keys: Iterable[str], articles: Mapping[str, set[str]]) -> None:
        """Record which articles name each key (every key gets a set, maybe empty)."""
        for key in keys:
            self.articles.setdefault(key, set())
        for key, arts in articles.items():
            self.articles[key] |= arts

    def _articles_of(self, keys: Iterable[str]) -> set[str]:
        """The articles naming any of ``keys`` (an entity's articles)."""
        arts: set[str] = set()
        for k in keys:
            arts |= self.articles[k]
        return arts

    def _stage1_mates(self, view: _View, s: str) -> set[str]:
        if " " not in s or s.startswith(_SPECIAL):
            return {s}
        w = s.split()
        return {s} | view.bucket("sk:" + "|".join(name_skeleton(s))) | view.bucket("fl:" + w[0] + " " + w[-1])

    def _walk(self, view: _View, start: set[str], ents: set[str]) -> list[set[str]]:
        """Components over the new edges from ``start``; an old entity met on the way joins whole (into ``ents``)."""
        done: set[str] = set()
        out = []
        pending = set(start)
        while pending:
            k = pending.pop()
            if k in done:
                continue
            comp, todo = {k}, [k]
            while todo:
                x = todo.pop()
                for o in view.forward(x) | view.reverse(x):
                    if o not in comp:
                        comp.add(o)
                        todo.append(o)
                        e = self.entity_of.get(o)
                        if e is not None and e not in ents:
                            ents.add(e)
                            pending |= self.members[e]
            done |= comp
            out.append(comp)
        return out

    def _stored_groups(self, ents: set[str]) -> set[frozenset[str]]:
        by: dict[str, set[str]] = defaultdict(set)
        for e in ents:
            for k in self.members[e]:
                by[self.comp[k]].add(k)
        return {frozenset(g) for g in by.values()}

    def _settle(self, groups: set[frozenset[str]], ents: set[str]) -> tuple[set[str], set[str]]:
        """Merge groups whose entities get one id, round by round; an outside entity that met one of the ids
        joins and the rounds start again (the rounds are then the ones a from-scratch merge runs)."""
        while True:
            rounds = self._rounds(sorted(groups, key=min))
            met = {i for _, _, ids in rounds for i in ids}
            outside = {e for i in met for e in self.seen.get(i, ()) if e not in ents}
            if not outside:
                break
            ents |= outside
            groups |= self._stored_groups(outside)
        removed = set(ents)
        for e in ents:
            for i in self.seen_by.pop(e, ()):
                self.seen[i].discard(e)
            self.members.pop(e, None)
            self.entities.pop(e, None)
        written = set()
        for keys, ent, ids in rounds:
            self.entities[ent.id] = ent
            self.members[ent.id] = set(keys)
            self.seen_by[ent.id] = ids
            for i in ids:
                self.seen[i].add(ent.id)
            for k in keys:
                self.entity_of[k] = ent.id
            written.add(ent.id)
        return removed - written, written

    def _rounds(self, groups: list[frozenset[str]]) -> list[tuple[set[str], Entity, set[str]]]:
        for g in groups:
            first = min(g)
            for k in g:
                self.comp[k] = first
        cur = [set(g) for g in groups]
        ids_of: dict[frozenset[str], set[str]] = {}
        done: dict[frozenset[str], Entity] = {}  # a group the last round left unchanged is not built again
        while True:
            by_id: dict[str, list[set[str]]] = defaultdict(list)
            built: dict[str, Entity] = {}
            for keys in cur:
                members = frozenset(keys)
                ent = done.get(members)
                if ent is None:
                    ent = done[members] = self._build(keys)
                built[ent.id] = ent
                by_id[ent.id].append(keys)
            nxt = []
            new_ids: dict[frozenset[str], set[str]] = {}
            for i, parts in by_id.items():
                merged = set().union(*parts)
                seen = {i}.union(*(ids_of.get(frozenset(p), set()) for p in parts))
                new_ids[frozenset(merged)] = seen
                nxt.append(merged)
            ids_of = new_ids
            if len(nxt) == len(cur):
                return [(k, built[i], ids_of[frozenset(k)]) for i, parts in by_id.items() for k in parts]
            cur = nxt

    def _build(self, keys: set[str]) -> Entity:
        order = sorted(keys)
        seen: Counter[str] = Counter()
        typ_counts: Counter[str] = Counter()
        for k in order:
            seen.update(self.spellings[k])
            typ_counts.update(self.types[k])
        arts = self._articles_of(order)
        plain = [s for k in order if not k.startswith(("government ", "title ")) for s in self.spellings[k]]
        words = {s: len(name_key(s).split()) for s in plain or seen}
        longest = max(words.values())
        full = [s for s, n in words.items() if n == longest]
        government = next((k for k in order if k.startswith("government ")), None)
        if government is not None and not plain:
            full = [government_of(next(iter(self.spellings[government]))) or government]
            seen[full[0]] += 0
        name = min(full, key=lambda s: (-seen[s], -len(s), s.isupper(), s))
        aliases = tuple(sorted((s for s in seen if s != name), key=lambda s: (-seen[s], s)))
        typ = majority_type(typ_counts)
        return Entity(content_id("n", typ, name_key(name)), name, typ, aliases, tuple(sorted(arts)))


def merge_entities_local(mentions: Iterable[Mention], texts: Mapping[str, str] | None = None) -> list[Entity]:
    """The merge from scratch under the local rules: one ``MergeState.add`` of everything, sorted by id."""
    state = MergeState()
    state.add(mentions, texts)
    return sorted(state.entities.values(), key=lambda e: e.id)
