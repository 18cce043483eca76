"""A person's gender from titles and first names, for resolving "he" and "she"."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from storyline.extract.entities import name_key
from storyline.records import Mention

# --------------------------------------------------------------------------- gender

# Titles and first names that tell a person's gender, for resolving "he" and "she". The names
# are common given names in English-language news (politics, business, sport); a name not
# listed leaves the gender unknown, which matches either pronoun.
_MALE_TITLES = re.compile(r"\b(?:Mr|Sir|Lord|King|Prince|Father|Brother|Pope|Sheikh)\.?\s+$")
_FEMALE_TITLES = re.compile(r"\b(?:Mrs|Ms|Miss|Madam|Madame|Mme|Lady|Dame|Queen|Princess|Sister)\.?\s+$")
_MALE_NAMES = frozenset(
    """aaron abdul abraham adam adrian ahmed al alan albert alex alexander alexei ali andrew
    andy angel anthony antonio barack barry ben benjamin bernie bill billy bob bobby boris brad
    bradley brandon brett brian bruce bryan carl carlos charles charlie chris christopher chuck
    clarence colin craig dan daniel danny darrell dave david dennis dick dmitry don donald doug
    douglas duncan dwight ed eddie edward emmanuel eric evan frank fred gary george gerald
    glenn gordon graham greg gregory harry henry howard hugh ian ivan jack jacob jake james jamie
    jared jason jay jeb jeff jeffrey jeremy jerry jim jimmy joe joel john johnny jon jonathan
    jorge jose joseph josh juan justin keith ken kenneth kevin kim larry lee leon luis marco
    marcus mark martin matt matthew max michael mike mitch mitt mohammed muhammad narendra
    nathan neil newt nicholas nick nigel omar oscar patrick paul pete peter phil philip rahm
    ralph rand randy ray raymond reince richard rick rob robert roger ron ronald roy rudy russ
    russell ryan sam samuel scott sean sergei sergey steve steven stephen ted terry thomas tim
    timothy todd tom tony vladimir walter wayne william xi yoshihide""".split()
)
_FEMALE_NAMES = frozenset(
    """abigail alice alicia alison amanda amy andrea angela angelina ann anna anne annie barbara
    betsy betty beverly brenda carly carol caroline catherine cathy charlotte cheryl christina
    christine claire claudia cynthia dana deborah debbie debra denise diana diane donna doris
    dorothy elaine eleanor elizabeth ellen emily emma erin eva evelyn florence frances gina
    gloria grace hannah heather heidi helen hillary hope huma ivanka jackie jacqueline jane janet
    jean jeanne jennifer jessica jill joan joanna jodi joyce judith judy julia julie karen kate
    katherine kathleen kathy kayleigh kellyanne kelly kim kirsten laura lauren linda lisa liz
    loretta lori louise lucy lynn madeleine margaret maria marie marsha martha mary megan megyn
    melania melissa michelle monica nancy natalie nicole nikki olivia pam pamela patricia paula
    peggy rachel rebecca rosa ruth sally samantha sandra sara sarah sharon shirley stephanie
    susan suzanne tammy teresa theresa tiffany tina tracy tulsi valerie victoria virginia
    wendy""".split()
)


def person_genders(text: str, mentions: Sequence[Mention], expand: Callable[[Mention], str]) -> dict[str, str | None]:
    """Full-name key -> "m"/"f"/None for each person, from a title before any mention or a first name.

    A surname-only mention ("Mrs. Clinton") gives its evidence to the full name it stands
    for there (``expand``), so "Bill Clinton" and "Hillary Clinton" keep their own.
    """
    votes: dict[str, set[str]] = {}
    for m in mentions:
        if m.type != "PERSON":
            continue
        key = name_key(m.text)
        words = key.split()
        before = text[max(0, m.start - 12) : m.start]
        found: str | None = None
        if _MALE_TITLES.search(before):
            found = "m"
        elif _FEMALE_TITLES.search(before):
            found = "f"
        elif len(words) > 1 and words[0] in _MALE_NAMES and words[0] not in _FEMALE_NAMES:
            found = "m"
        elif len(words) > 1 and words[0] in _FEMALE_NAMES and words[0] not in _MALE_NAMES:
            found = "f"
        if found is None:
            continue
        votes.setdefault(key, set()).add(found)
        if len(words) == 1:
            votes.setdefault(name_key(expand(m)), set()).add(found)
    return {k: (next(iter(v)) if len(v) == 1 else None) for k, v in votes.items()}
