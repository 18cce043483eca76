"""Corpus-level linking: mentions merged into entities across spellings and articles, and quote speakers
pointed at those entities.

Extraction (``storyline.extract``) reads one article at a time; linking needs the whole corpus:
``merge_entities`` folds "Kim Jong Un" = "Kim Jong-un" = "KIM JONG UN" = "Kim" (when only one full
PERSON name in the corpus owns "Kim"), and "KCNA" = "Korean Central News Agency"; ``link_speakers``
fills each quote's ``speaker_entity`` from the merged entities' names and aliases.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from operator import attrgetter

from storyline.agencies import canonical_agency
from storyline.extract.entities import ENTITY_TYPES, government_of, name_key
from storyline.extract.entities.places import place_key
from storyline.extract.entities.titles import TITLE, role_key, titled_names
from storyline.records import Entity, Mention, Quote, content_id
from storyline.text import normalise
from storyline.unionfind import UnionFind

__all__ = ["link_speakers", "merge_entities", "speaker_key"]

_TYPE_ORDER = {t: i for i, t in enumerate(ENTITY_TYPES)}


# --------------------------------------------------------------------------- merging

_ACRONYM_STOP = frozenset("of the and for de la du".split())


_TEXT_TYPE = attrgetter("text", "type")
_TEXT_TYPE_ARTICLE = attrgetter("text", "type", "article")


def mention_key(text: str, typ: str) -> str:
    """The merge key of a mention spelled ``text`` and typed ``typ`` ("" when it names nothing)."""
    key = name_key(text)
    if not key:
        return ""
    agency = canonical_agency(text)
    if agency is not None:
        return "agency " + name_key(agency)
    government = government_of(text) if typ == "ORG" else None
    if government is not None:
        return "government " + name_key(government)
    place = place_key(text, typ)
    if place is not None:
        return place
    title = TITLE.fullmatch(text) if typ == "PERSON" else None
    if title is not None:
        role = role_key(title["place"] or title["place2"], title["role"] or title["role2"])
        if role is not None:
            return "title " + " ".join(role)
    return key


def merge_entities(mentions: Iterable[Mention], texts: Mapping[str, str] | None = None) -> list[Entity]:
    """Fold mentions into entities across spellings and articles, sorted by id.

    Spellings merge when their ``name_key`` is equal; a one-word PERSON form joins the
    only full PERSON name in the corpus that starts or ends with it; an all-caps acronym
    joins the only multi-word name whose initials spell it; full names with the same first
    and last word merge when one only adds middle names; transliterations merge when every
    word has the same consonant skeleton ("Muammar Gaddafi" = "Moammar Gadhafi"); a lone word
    one letter off a known surname joins it ("Shiogu" = "Shoigu"). A place that speaks
    ("Moscow said") is its government, kept apart from the place.

    Args:
        mentions: every article's mentions.
        texts: article id -> text. When given, titles that name their holder somewhere in the
            corpus ("North Korean leader Kim Jong Un") fold bare titles ("the North Korean
            leader") into that person.
    """
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    types: dict[str, Counter[str]] = defaultdict(Counter)
    articles: dict[str, set[str]] = defaultdict(set)
    # A corpus repeats few spellings many times (T17: 325k mentions, 48k distinct (text, type) pairs), so
    # each pair is keyed once. Counting pairs in first-seen order keeps every dict's insertion order the
    # one a mention-by-mention loop gives: the rules below depend on that order.
    mentions = list(mentions)
    pairs = Counter(map(_TEXT_TYPE, mentions))
    key_of: dict[tuple[str, str], str] = {}
    for (text, typ), n in pairs.items():
        key = mention_key(text, typ)
        if not key:
            continue
        key_of[text, typ] = key
        spellings[key][text] += n
        types[key][typ] += n
    for text, typ, article in set(map(_TEXT_TYPE_ARTICLE, mentions)):
        owner = key_of.get((text, typ)) if article else None
        if owner is not None:
            articles[owner].add(article)

    # the smaller key roots each set, so the clusters do not depend on the order rules merge in
    sets = UnionFind(spellings)
    find, union = sets.find, sets.union_min

    majorities: dict[str, str] = {}

    def majority(key: str) -> str:
        typ = majorities.get(key)
        if typ is None:
            typ = majorities[key] = majority_type(types[key])
        return typ

    special = ("agency ", "government ", "title ")
    full_persons = [k for k in spellings if " " in k and majority(k) == "PERSON" and not k.startswith(special)]
    # transliterations: "muammar gaddafi" = "moammar gadhafi" = "muammar qaddafi"
    by_skeleton: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for k in full_persons:
        by_skeleton[name_skeleton(k)].append(k)
    for group in by_skeleton.values():
        for other in group[1:]:
            union(group[0], other)
    # middle names: "vladimir putin" = "vladimir vladimirovich putin"
    by_ends: dict[tuple[str, str], list[str]] = defaultdict(list)
    for k in full_persons:
        w = k.split()
        by_ends[(w[0], w[-1])].append(k)
    for group in by_ends.values():
        group.sort(key=lambda k: len(k.split()))
        for longer in group[1:]:
            if is_subsequence(group[0].split(), longer.split()):
                union(group[0], longer)

    # acronyms: "kcna" -> "korean central news agency"
    multi = [k for k in spellings if " " in k and not k.startswith("agency ")]
    # An agency's key is its canonical name ("agency pa media"), so its initials come from how it is
    # spelled ("Press Association"): "PA" then has two owners here and stays alone.
    owners = {k: initials(k) for k in multi}
    for k in spellings:
        if k.startswith("agency "):
            owners[k] = {i for s in spellings[k] if " " in name_key(s) for i in initials(name_key(s))}
    # indexed by initials: scanning every owner per acronym is quadratic on a large corpus
    owners_of: dict[str, list[str]] = defaultdict(list)
    for k, owned in owners.items():
        for i in owned:
            owners_of[i].append(k)
    for key, counts in spellings.items():
        if " " in key or key.startswith("agency "):
            continue
        if not any(s.isupper() and s.isalpha() and 2 <= len(s) <= 6 for s in counts):
            continue
        roots = {find(k) for k in owners_of.get(key, ())}
        if len(roots) == 1:
            union(key, roots.pop())

    # short forms: "kim" -> "kim jong un" when no other full name owns "kim"; an
    # organisation goes by its first word ("greyholm" -> "greyholm minerals"). The short
    # form may be typed PERSON or ORG: the small model swaps those on lone surnames.
    full_orgs = [k for k in multi if majority(k) == "ORG"]
    # indexed by the word a short form would match (a scan per short form is quadratic)
    person_ends: dict[str, list[str]] = defaultdict(list)
    for k in full_persons:
        w = k.split()
        for end in {w[0], w[-1]}:
            person_ends[end].append(k)
    org_firsts: dict[str, list[str]] = defaultdict(list)
    for k in full_orgs:
        org_firsts[k.split()[0]].append(k)
    for key in spellings:
        if " " in key or key.startswith("agency ") or majority(key) not in ("PERSON", "ORG"):
            continue
        roots = {find(k) for k in person_ends.get(key, ())}
        roots |= {find(k) for k in org_firsts.get(key, ())}
        if len(roots) == 1:
            union(key, roots.pop())

    # misspellings: a lone word one edit from exactly one full name's surname ("shiogu" -> "shoigu")
    surnames: dict[str, set[str]] = defaultdict(set)
    for k in full_persons:
        surnames[k.split()[-1]].add(find(k))
    # Words one edit apart share a one-deletion variant (or one is the other's), so only surnames
    # sharing a variant with the word are compared: the same pairs as comparing all, without the n² scan.
    by_variant: dict[str, set[str]] = defaultdict(set)
    for sur in surnames:
        for v in deletions(sur):
            by_variant[v].add(sur)
    for key in spellings:
        if " " in key or key.startswith(special) or key in surnames or len(key) < MIN_FUZZY_LEN:
            continue
        if majority(key) not in ("PERSON", "ORG"):
            continue
        near = {sur for v in deletions(key) for sur in by_variant.get(v, ())}
        roots = {r for sur in near if one_edit(key, sur) for r in surnames[sur]}
        if len(roots) == 1:
            union(key, roots.pop())

    # titles: "title north korea leader" -> the person "North Korean leader Kim Jong Un" names
    if texts:
        holders: dict[str, set[str]] = defaultdict(set)
        for text in texts.values():
            for tm in titled_names(text):
                role = role_key(tm["place"], tm["role"])
                holder = _known_prefix(tm["name"], spellings)
                if role is not None and holder is not None and majority(holder) == "PERSON":
                    holders["title " + " ".join(role)].add(find(holder))
        for key in spellings:
            if key.startswith("title ") and len({find(h) for h in holders.get(key, ())}) == 1:
                union(key, find(next(iter(holders[key]))))

    clusters = sets.groups()

    def build(keys: list[str]) -> Entity:
        if len(keys) == 1:  # most clusters: read the key's tallies instead of copying them
            seen, typ_counts, arts = spellings[keys[0]], types[keys[0]], articles[keys[0]]
        else:
            seen, typ_counts, arts = Counter(), Counter(), set()
            for k in keys:
                seen.update(spellings[k])
                typ_counts.update(types[k])
                arts |= articles[k]
        # a title or a speaking capital names the entity only when nothing else does
        plain = [s for k in keys if not k.startswith(("government ", "title ")) for s in spellings[k]]
        words = {s: len(name_key(s).split()) for s in plain or seen}
        longest = max(words.values())
        full = [s for s, n in words.items() if n == longest]
        government = next((k for k in keys if k.startswith("government ")), None)
        if government is not None and not plain:
            full = [government_of(next(iter(spellings[government]))) or government]
            seen = Counter(seen)  # a copy: the key's own tally stays as counted
            seen[full[0]] += 0
        # most frequent, then longest; at equal length a normal spelling beats a shouted
        # dateline one ("Reuters" over "REUTERS"), then alphabetical for stability
        name = min(full, key=lambda s: (-seen[s], -len(s), s.isupper(), s))
        aliases = tuple(sorted((s for s in seen if s != name), key=lambda s: (-seen[s], s)))
        typ = majority_type(typ_counts)
        return Entity(
            id=content_id("n", typ, name_key(name)),
            name=name,
            type=typ,
            aliases=aliases,
            articles=tuple(sorted(arts)),
        )

    # Two clusters whose names share a key and type get the same id ("Syria's envoy" as a title and,
    # mis-spanned with a leading space, as a plain name): the id says they are one entity, so merge them.
    groups = list(clusters.values())
    done: dict[tuple[str, ...], Entity] = {}  # a group the last round left unchanged is not built again
    while True:
        built: dict[str, Entity] = {}
        by_id: dict[str, list[str]] = defaultdict(list)
        for keys in groups:
            members = tuple(keys)
            ent = done.get(members) or build(keys)
            done[members] = ent
            built[ent.id] = ent
            by_id[ent.id].extend(keys)
        if len(by_id) == len(groups):
            break
        groups = list(by_id.values())
    entities = list(built.values())
    entities.sort(key=lambda ent: ent.id)
    return entities


# Below this length a one-letter difference is as likely another name ("Kim"/"Lim") as a typo.
MIN_FUZZY_LEN = 5


def deletions(word: str) -> set[str]:
    """The word and every string one deletion from it."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one substitution, insertion, deletion or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < MIN_FUZZY_LEN:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


# Romanisation variants: consonants that systems write differently, then vowels dropped
# ("gaddafi", "gadhafi", "qaddafi" -> "kdf"; "zelensky", "zelenskyy", "zelenskiy" -> "zlnsk").
_SKELETON_SUBS = (
    ("kh", "k"),
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("ph", "f"),
    ("sh", "s"),
    ("zh", "z"),
    ("ch", "c"),
    ("ts", "c"),
    ("tz", "c"),
    ("dj", "j"),
    ("dzh", "j"),
    ("q", "k"),
    ("g", "k"),
    ("c", "k"),
    ("w", "v"),
    ("x", "ks"),
    ("j", "i"),
    ("y", "i"),
)


_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ul)(?=[a-z]{3})")
_VOWELS_H = re.compile(r"[aeiouh]")
_REPEATS = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 16)  # given names and surnames recur across the full names of a corpus
def _skeleton(word: str) -> str:
    """A word's consonant skeleton: first letter kept, variant spellings unified, vowels and repeats dropped."""
    w = _ARTICLE_PREFIX.sub("", word.replace("-", ""))
    for a, b in _SKELETON_SUBS:
        w = w.replace(a, b)
    if not w:
        return word
    head, rest = w[0], _VOWELS_H.sub("", w[1:])
    if head in "aeiou":
        head = "a"
    return head + _REPEATS.sub(r"\1", rest)


def name_skeleton(key: str) -> tuple[str, str]:
    """Given name's skeleton and the rest's, run together: "xi jin ping" = "xi jinping", "al" dropped."""
    # a name of only such particles ("El Al") keeps them: nothing else is left to compare
    words = [w for w in key.split() if w not in ("al", "el", "ul")] or key.split()
    return _skeleton(words[0]), _skeleton("".join(words[1:]))


def _known_prefix(name: str, spellings: Mapping[str, Counter[str]]) -> str | None:
    """The longest leading run of ``name``'s words that is a known key ("Kim Jong Un discussed" -> "kim jong un")."""
    words = name_key(name).split()
    for n in range(len(words), 0, -1):
        key = " ".join(words[:n])
        if key in spellings and (n > 1 or len(words) == 1):
            return key
    return None


def majority_type(counts: Counter[str]) -> str:
    if len(counts) == 1:
        return next(iter(counts))
    return sorted(counts, key=lambda t: (-counts[t], _TYPE_ORDER.get(t, 99), t))[0]


def is_subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(w in it for w in short)


def initials(key: str) -> set[str]:
    """Acronyms a multi-word name may go by: with and without its small words."""
    words = key.split()
    spaced = [p for w in words for p in w.split("-")]
    every = "".join(w[0] for w in spaced if w)
    content = "".join(w[0] for w in spaced if w and w not in _ACRONYM_STOP)
    return {every, content}


# --------------------------------------------------------------------------- speakers


def link_speakers(quotes: Sequence[Quote], entities: Sequence[Entity]) -> list[Quote]:
    """Point each quote's speaker at the merged entity whose name or alias it matches."""
    names: dict[str, str] = {}
    for ent in entities:
        for name in (ent.name, *ent.aliases):
            names.setdefault(speaker_key(name), ent.id)
    return [replace(q, speaker_entity=names.get(speaker_key(q.speaker)) if q.speaker else None) for q in quotes]


def speaker_key(name: str) -> str:
    """What a speaker's name and an entity's names are matched on (case, spacing, dashes and hyphens aside)."""
    return normalise(name).replace("-", " ")
