"""Temporal expressions in news text, resolved against the article's publication date.

A hand-written regex finder decides the spans (dateparser's ``search_dates`` over-matches
"We", "may", "$27" and is far too slow for batch runs); ``datetime`` arithmetic resolves them.
Every finder below yields candidates; overlapping candidates are settled longest-first, so
"October last year" beats "last year" and "the day before yesterday" beats "the day before".

News conventions encoded here:

* A bare weekday is the closest such day: on or before publication in past-tense sentences,
  on or after it in future-tense ones ("said Thursday" in a Thursday article is that Thursday).
* A month-day without a year takes the year that puts it closest to publication, leaning
  towards the tense of its sentence.
* Prepositions ("in", "since", "on") are not part of a span; modifiers that change the
  meaning ("last", "next", "early", "mid-") are.

Modules: ``vocabulary`` (the patterns), ``context`` (a sentence's tense; the ``Candidate`` span),
``arithmetic`` (dates relative to publication), ``finders`` (calendar expressions), ``timex``
(TimeML-only expressions), ``find`` (``find_dates`` and ``find_timexes``: candidates settled).
"""

from __future__ import annotations

from storyline.extract.dates.find import Timex, find_dates, find_timexes

__all__ = ["Timex", "find_dates", "find_timexes"]
