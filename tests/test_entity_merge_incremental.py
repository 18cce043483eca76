"""The entity merge kept as state (issue 15): any batching of ``MergeState.add`` gives the merge of everything at once,
and adding an article rewrites only the entities it changes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from storyline.extract.entities import find_mentions
from storyline.link import merge_entities
from storyline.link_incremental import MergeState, MergeTally, article_tally, merge_entities_local, tally
from storyline.records import Article, Entity, Mention

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


def _m(article: str, *pairs: tuple[str, str]) -> list[Mention]:
    return [Mention(article, text, i, i + len(text), typ) for i, (text, typ) in enumerate(pairs)]


def _batched(by_article: dict[str, list[Mention]], texts: dict[str, str], seed: int) -> list[Entity]:
    rng = random.Random(seed)
    ids = list(by_article)
    rng.shuffle(ids)
    state = MergeState()
    i = 0
    while i < len(ids):
        n = rng.randint(1, max(1, len(ids) // 3))
        chunk = ids[i : i + n]
        state.add([m for a in chunk for m in by_article[a]], {a: texts[a] for a in chunk if a in texts})
        i += n
    return sorted(state.entities.values(), key=lambda e: e.id)


def _assert_exact(by_article: dict[str, list[Mention]], texts: dict[str, str], seeds: int = 6) -> list[Entity]:
    everything = [m for ms in by_article.values() for m in ms]
    once = merge_entities_local(everything, texts)
    for seed in range(seeds):
        assert _batched(by_article, texts, seed) == once, f"batching {seed} differs from the merge of everything"
    return once


def _of(entities: list[Entity], text: str) -> Entity:
    return next(e for e in entities if text == e.name or text in e.aliases)


# our own sentences and names: every rule of the merge meets a later article that changes its outcome
CORPUS = {
    "a1": _m("a1", ("Kim Jong Un", "PERSON"), ("Kim", "PERSON"), ("KCNA", "ORG")),
    "a2": _m("a2", ("Korean Central News Agency", "ORG"), ("Kim Jong-un", "PERSON")),
    "a3": _m("a3", ("Kim Yo Jong", "PERSON"), ("Kim", "PERSON")),  # "Kim" now has two owners
    "a4": _m("a4", ("Muammar Gaddafi", "PERSON"), ("Moammar Gadhafi", "PERSON"), ("Gaddafi", "PERSON")),
    "a5": _m("a5", ("Sergei Shoigu", "PERSON"), ("Shiogu", "ORG"), ("Shoigu", "PERSON")),
    "a6": _m("a6", ("Vladimir Putin", "PERSON"), ("Vladimir Vladimirovich Putin", "PERSON")),
    "a7": _m("a7", ("Greyholm Minerals", "ORG"), ("Greyholm", "ORG"), ("Greyholm", "PERSON")),
    "a8": _m("a8", ("Greyholm", "PERSON"), ("Greyholm", "PERSON"), ("Anna Greyholm", "PERSON")),  # type flips
    "a9": _m("a9", ("The North Korean leader", "PERSON"), ("Moscow", "ORG"), ("Moscow", "GPE")),
    "a10": _m("a10", ("Russia", "GPE"), ("Kremlin", "ORG"), ("Sergey Shoygu", "PERSON")),
    "a11": _m("a11", ("The American president", "PERSON"), ("Joe Biden", "PERSON")),
    "a12": _m("a12", ("Donald Trump", "PERSON"), ("Trump", "PERSON"), ("NATO", "ORG")),
    "a13": _m("a13", ("North Atlantic Treaty Organization", "ORG"), ("Shoygu", "PERSON")),
}
TEXTS = {
    "a2": "North Korean leader Kim Jong Un visited a factory, the agency said.",
    "a11": "American president Joe Biden spoke on Monday.",
    "a12": "American president Donald Trump spoke on Tuesday.",
    "a3": "North Korean leader Kim Yo Jong was not named.",
}


def test_any_batching_gives_the_merge_of_everything() -> None:
    once = _assert_exact(CORPUS, TEXTS)
    # the local rules agree with the corpus-wide merge on this corpus
    assert once == merge_entities([m for ms in CORPUS.values() for m in ms], TEXTS)


def test_a_later_article_undoes_a_merge_it_makes_ambiguous() -> None:
    state = MergeState()
    state.add(CORPUS["a1"])
    kim = _of(list(state.entities.values()), "Kim Jong Un")
    assert "Kim" in kim.aliases
    removed, written = state.add(CORPUS["a3"])
    entities = list(state.entities.values())
    assert "Kim" not in _of(entities, "Kim Jong Un").aliases
    assert _of(entities, "Kim").id not in {_of(entities, "Kim Jong Un").id, _of(entities, "Kim Yo Jong").id}
    assert kim.id in removed | written


def test_a_title_follows_its_holders_as_they_arrive() -> None:
    state = MergeState()
    state.add(CORPUS["a11"], {"a11": TEXTS["a11"]})
    assert "The American president" in _of(list(state.entities.values()), "Joe Biden").aliases
    state.add(CORPUS["a12"], {"a12": TEXTS["a12"]})  # a second holder: the title stands alone again
    entities = list(state.entities.values())
    assert "The American president" not in _of(entities, "Joe Biden").aliases
    assert _of(entities, "The American president").id != _of(entities, "Donald Trump").id


def test_adding_an_unrelated_article_rewrites_only_its_own_entities() -> None:
    state = MergeState()
    state.add([m for ms in CORPUS.values() for m in ms], TEXTS)
    before = dict(state.entities)
    removed, written = state.add(_m("b1", ("Ottoline Vashti", "PERSON"), ("Greyholm Minerals", "ORG")))
    assert removed == set()
    assert {state.entities[i].name for i in written} == {"Ottoline Vashti", "Greyholm Minerals"}
    assert {i: e for i, e in state.entities.items() if i not in written} == {
        i: e for i, e in before.items() if i not in written
    }


def _generated(n_articles: int, seed: int) -> dict[str, list[Mention]]:
    """Names drawn from a small pool so that rules collide: shared surnames, variants, acronyms, typos, type flips."""
    rng = random.Random(seed)
    firsts = ["Anna", "Ana", "Boris", "Borys", "Chen", "Dmitri", "Dmitry", "Elena"]
    lasts = ["Vashti", "Waschti", "Morrow", "Morow", "Kessler", "Kesler", "Ortiz", "Qadir", "Kadir"]
    orgs = ["Northern Grain Board", "National Grid Bureau", "Kessler Holdings", "Morrow Partners"]
    out: dict[str, list[Mention]] = {}
    for i in range(n_articles):
        pairs: list[tuple[str, str]] = []
        for _ in range(rng.randint(1, 6)):
            roll = rng.random()
            first, last = rng.choice(firsts), rng.choice(lasts)
            if roll < 0.35:
                pairs.append((f"{first} {last}", "PERSON"))
            elif roll < 0.45:
                pairs.append((f"{first} {rng.choice(firsts)} {last}", "PERSON"))
            elif roll < 0.65:
                pairs.append((rng.choice([last, first]), rng.choice(["PERSON", "PERSON", "ORG"])))
            elif roll < 0.8:
                org = rng.choice(orgs)
                pairs.append((org, "ORG"))
                pairs.append(("".join(w[0] for w in org.split()), "ORG"))
            else:
                pairs.append((rng.choice(orgs).split()[0], rng.choice(["ORG", "PERSON"])))
        out[f"g{i:03d}"] = _m(f"g{i:03d}", *pairs)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_corpus_any_batching(seed: int) -> None:
    _assert_exact(_generated(60, seed), {}, seeds=4)


def _extracted(folder: Path) -> tuple[dict[str, list[Mention]], dict[str, str]]:
    by: dict[str, list[Mention]] = {}
    texts: dict[str, str] = {}
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        art = Article(id=path.stem, source=str(path), text=text)
        by[art.id] = find_mentions(text, art.id, use_nlp=False)
        texts[art.id] = text
    return by, texts


def test_sample_any_batching_and_unchanged() -> None:
    by, texts = _extracted(ROOT / "examples" / "sample" / "text")
    assert by, "examples/sample/text holds no articles"
    once = _assert_exact(by, texts)
    assert once == merge_entities([m for ms in by.values() for m in ms], texts)


def test_seeds_any_batching_and_unchanged() -> None:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not found: the seed articles are read at test time, never copied")
    by, texts = _extracted(SEEDS)
    once = _assert_exact(by, texts)
    assert once == merge_entities([m for ms in by.values() for m in ms], texts)


def test_groups_whose_entities_get_one_id_merge_in_any_order() -> None:
    # a title and the same words mis-spanned with a leading space are two keys whose entities get one id:
    # the second article's group must meet the first article's stored entity, whichever comes first
    by = {"c1": _m("c1", ("Syria's envoy", "PERSON")), "c2": _m("c2", (" Syria's envoy", "PERSON"), ("Aleppo", "GPE"))}
    once = _assert_exact(by, {}, seeds=4)
    (envoy,) = [e for e in once if e.type == "PERSON"]
    assert envoy.articles == ("c1", "c2")
    for first, second in (("c1", "c2"), ("c2", "c1")):
        state = MergeState()
        state.add(by[first])
        state.add(by[second])
        assert sorted(state.entities.values(), key=lambda e: e.id) == once


def test_article_tallies_added_up_in_parts_are_the_tally_of_everything() -> None:
    """A batch keys each article's mentions in its task (``article_tally``) and the driver adds the parts up, task by
    task: that must be the tally of all mentions and texts, and merge into the same entities."""
    by, texts = _extracted(ROOT / "examples" / "sample" / "text")
    by, texts = {**by, **CORPUS}, {**texts, **TEXTS}  # with titled holders
    everything = tally([m for ms in by.values() for m in ms], texts)
    assert everything.titles, "no titled holder: the titles part is not exercised"
    ids = list(by)
    for seed in range(3):
        rng = random.Random(seed)
        summed = MergeTally()
        at = 0
        while at < len(ids):  # tasks of random sizes, in input order, each summing its articles first
            part = MergeTally()
            for a in ids[at : at + rng.randint(1, 5)]:
                part.add(article_tally(a, by[a], texts.get(a, "")))
            summed.add(part)
            at += len(part.ids)
        assert summed.ids == set(ids) == everything.ids
        assert summed.keys == everything.keys and list(summed.keys) == list(everything.keys)  # first-seen order
        assert summed.articles == everything.articles and summed.titles == everything.titles
        state = MergeState()
        state.add_tally(summed)
        assert sorted(state.entities.values(), key=lambda e: e.id) == merge_entities_local(
            [m for ms in by.values() for m in ms], texts
        )
