"""Quotes: direct ("…", “…”) and reported speech, with speaker, cue and channel (``via``).

News copy rarely says plainly who said what. A statement by Kim reaches the reader through
KCNA, then Yonhap, then the outlet; a quote ends with "he said" and "he" is two sentences
back. This package reads each quote's sentence for attribution clauses:

* ``SPEAKER CUE`` — "Kremlin spokesman Dmitry Peskov said Wednesday …"
* ``…, SPEAKER CUE.`` and ``…, CUE SPEAKER.`` — "…, KCNA said." / "…, reports Yonhap"
* ``according to SPEAKER`` and ``…, quoting|citing SPEAKER``

and sorts them into one speaker plus the chain of agencies and media the words came
through ("reports Yonhap, quoting KCNA" -> ``via=("Yonhap", "KCNA")``). Pronouns and
surnames are expanded to the nearest full name among the article's mentions.

Modules, in the order a quote passes through them:

* ``marks``: pair the quotation marks of each paragraph;
* ``cues``: the verbs and patterns of attribution;
* ``clauses``: an attribution clause (``Att``) and the phrase helpers that find its parts;
* ``speakers`` and ``gender``: whom a speaker phrase names ("he", "Putin", "the agency");
* ``context``: one article's clauses, what each reports, the speaker chosen for a quote;
* ``find``: ``find_quotes``, the headline conventions and split quotations joined.
"""

from __future__ import annotations

from storyline.extract.quotes.cues import MIN_QUOTE_WORDS
from storyline.extract.quotes.find import find_quotes

__all__ = ["MIN_QUOTE_WORDS", "find_quotes"]
