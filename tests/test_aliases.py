"""A labelled alias set (our own, not from any dataset): which spellings are one entity and which are not.

Each case lists mentions as (text, type); ``SAME`` groups must end up in one entity, ``APART``
pairs in two. Transliterations of Arabic, Chinese and Russian names, acronyms, misspellings,
titles and metonymy are covered; the names are public figures, the sentences are ours.
"""

from __future__ import annotations

import pytest

from storyline.extract.entities import find_mentions, government_of
from storyline.link import merge_entities
from storyline.records import Entity, Mention

SAME: list[list[tuple[str, str]]] = [
    # Arabic
    [
        ("Muammar Gaddafi", "PERSON"),
        ("Moammar Gadhafi", "PERSON"),
        ("Muammar Qaddafi", "PERSON"),
        ("Muammar al-Qaddafi", "PERSON"),
    ],
    [("Mahmoud Abbas", "PERSON"), ("Mahmud Abbas", "PERSON")],
    [("Osama bin Laden", "PERSON"), ("Usama bin Ladin", "PERSON")],
    [("Mohammed bin Salman", "PERSON"), ("Muhammad bin Salman", "PERSON"), ("Mohammad bin Salman", "PERSON")],
    # Chinese
    [("Xi Jinping", "PERSON"), ("Xi Jin-ping", "PERSON"), ("XI JINPING", "PERSON")],
    [("Kim Jong Un", "PERSON"), ("Kim Jong-un", "PERSON"), ("Kim Jong-Un", "PERSON")],
    # Russian and Ukrainian
    [("Sergei Shoigu", "PERSON"), ("Sergey Shoygu", "PERSON"), ("Shoigu", "PERSON"), ("Shiogu", "ORG")],
    [("Volodymyr Zelensky", "PERSON"), ("Volodymyr Zelenskyy", "PERSON"), ("Volodymyr Zelenskiy", "PERSON")],
    [("Dmitry Peskov", "PERSON"), ("Dmitri Peskov", "PERSON")],
    [("Vladimir Putin", "PERSON"), ("Vladimir Vladimirovich Putin", "PERSON"), ("Putin", "PERSON")],
    # acronyms
    [("Korean Central News Agency", "ORG"), ("KCNA", "ORG")],
    [("International Atomic Energy Agency", "ORG"), ("IAEA", "ORG")],
    [("North Atlantic Treaty Organization", "ORG"), ("NATO", "ORG")],
]

APART: list[tuple[tuple[str, str], tuple[str, str]]] = [
    (("Kim Jong Un", "PERSON"), ("Kim Jong Il", "PERSON")),
    (("Kim Jong Un", "PERSON"), ("Kim Yo Jong", "PERSON")),
    (("Hillary Clinton", "PERSON"), ("Bill Clinton", "PERSON")),
    (("Raul Castro", "PERSON"), ("Fidel Castro", "PERSON")),
    (("Sergei Lavrov", "PERSON"), ("Sergei Shoigu", "PERSON")),
    (("Ali Khamenei", "PERSON"), ("Ali Larijani", "PERSON")),
    (("Xi Jinping", "PERSON"), ("Xi Mingze", "PERSON")),
]


def _mentions(pairs: list[tuple[str, str]], article: str = "a1") -> list[Mention]:
    return [Mention(article, text, 0, len(text), typ) for text, typ in pairs]


def _entity_of(entities: list[Entity], text: str) -> Entity:
    for e in entities:
        if text == e.name or text in e.aliases:
            return e
    raise AssertionError(f"{text!r} is in no entity: {[(e.name, e.aliases) for e in entities]}")


@pytest.mark.parametrize("group", SAME, ids=lambda g: g[0][0])
def test_variants_merge(group: list[tuple[str, str]]) -> None:
    entities = merge_entities(_mentions(group))
    ids = {_entity_of(entities, text).id for text, _ in group}
    assert len(ids) == 1, [(e.name, e.aliases) for e in entities]


@pytest.mark.parametrize("pair", APART, ids=lambda p: f"{p[0][0]}|{p[1][0]}")
def test_different_people_stay_apart(pair: tuple[tuple[str, str], tuple[str, str]]) -> None:
    # both people plus a few spellings of each, so the fuzzy rules have something to bite on
    entities = merge_entities(_mentions(list(pair)))
    assert _entity_of(entities, pair[0][0]).id != _entity_of(entities, pair[1][0]).id


def test_lone_surname_shared_by_two_people_stays_alone() -> None:
    entities = merge_entities(
        _mentions([("Hillary Clinton", "PERSON"), ("Bill Clinton", "PERSON"), ("Clinton", "PERSON")])
    )
    lone = _entity_of(entities, "Clinton")
    assert lone.name == "Clinton" and not lone.aliases


def test_misspelling_needs_a_unique_and_long_enough_owner() -> None:
    entities = merge_entities(_mentions([("Kim Jong Un", "PERSON"), ("Lim", "PERSON")]))
    assert _entity_of(entities, "Lim").id != _entity_of(entities, "Kim Jong Un").id


TEXTS = {
    "a1": "North Korean leader Kim Jong Un met Russian Defense Minister Sergei Shoigu in Pyongyang.",
    "a2": "The North Korean leader inspected a factory. Russia's defence chief flew home on Friday.",
    "a3": "US President Joe Biden spoke. US President Donald Trump spoke. The American president left.",
}


def _corpus_mentions() -> list[Mention]:
    return [m for a, text in TEXTS.items() for m in find_mentions(text, a, use_nlp=False)]


def test_titles_fold_into_the_person_the_corpus_names() -> None:
    entities = merge_entities(_corpus_mentions(), TEXTS)
    kim = _entity_of(entities, "Kim Jong Un")
    assert kim.type == "PERSON"
    assert "The North Korean leader" in kim.aliases
    assert "Russia's defence chief" in _entity_of(entities, "Sergei Shoigu").aliases
    assert set(kim.articles) == {"a1", "a2"}


def test_title_held_by_two_people_stays_alone() -> None:
    entities = merge_entities(_corpus_mentions(), TEXTS)
    title = _entity_of(entities, "The American president")
    assert title.id not in {_entity_of(entities, n).id for n in ("Joe Biden", "Donald Trump")}


def test_titles_without_texts_are_their_own_entity() -> None:
    entities = merge_entities(_corpus_mentions())
    assert _entity_of(entities, "The North Korean leader").id != _entity_of(entities, "Kim Jong Un").id


def test_a_speaking_capital_is_its_government_not_the_place() -> None:
    text = "Moscow said the drills were a provocation. Tourists flocked to Moscow in May. Russia has denied it."
    mentions = find_mentions(text, "a1", use_nlp=False)
    typed = [(m.text, m.type) for m in mentions]
    assert ("Moscow", "ORG") in typed and ("Moscow", "GPE") in typed
    entities = merge_entities(mentions)
    government = _entity_of(entities, "Government of Russia")
    assert government.type == "ORG"
    assert "Moscow" in government.aliases and "Russia" in government.aliases
    place = [e for e in entities if e.name == "Moscow"]
    assert place and place[0].type == "GPE"


def test_government_of() -> None:
    assert government_of("Beijing") == "Government of China"
    assert government_of("Washington") == "Government of United States"
    assert government_of("Vladivostok") is None
    assert government_of("Kim") is None
