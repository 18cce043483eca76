"""When an article's happening took place (its *event date*), from its resolved date mentions and publication date.

Event dates drive the clusterer's time decay: two reports of one happening are dated alike even when published days
apart, and a similar happening a month later is another event.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from storyline.cluster.options import ClusterOptions
from storyline.records import Article, DateMention
from storyline.text import sentence_spans

# A date attached to a speech verb ("said Thursday", "reported on Sunday") dates the report, not the happening.
_SPEECH_BEFORE = re.compile(
    r"\b(?:said|says|say|reported|reports|announced|told|stated|added|confirmed|quoted|cited|claimed)\s+(?:on\s+)?$",
    re.I,
)
_SPEECH_AFTER = re.compile(r"^\s*,?\s*(?:\w+\s+){0,3}(?:said|reported|announced|told)\b", re.I)


def article_event_date(
    article: Article, mentions: Sequence[DateMention], options: ClusterOptions = ClusterOptions()
) -> str | None:
    """When the article's main happening took place: the best-supported recent day, else its publication date.

    The dateline's date is skipped. Day mentions in the first three sentences count double (the lead says what happened); a date
    attached to a speech verb counts a quarter (it dates the report); ties go to the earlier day.
    """
    pub = parse_day(article.published)
    if pub is None:
        return None  # without its own date an article cannot tell which of its dates is the news
    lead_end = 0
    spans = sentence_spans(article.text)
    if spans:
        lead_end = spans[min(2, len(spans) - 1)][1]
    # the dateline ("TOKYO, September 14. /TASS/.") dates the copy, not the happening
    dateline_end = 0
    if article.dateline is not None:
        at = article.text.find(article.dateline.text, 0, 400)
        dateline_end = at + len(article.dateline.text) if at >= 0 else 0
    votes: dict[str, float] = {}
    for m in mentions:
        if m.granularity != "day" or not m.value or m.start < dateline_end:
            continue
        d = parse_day(m.value)
        if d is None:
            continue
        if not (pub - timedelta(days=options.date_window_days) <= d <= pub + timedelta(days=1)):
            continue
        weight = 2.0 if m.start < lead_end else 1.0
        before = article.text[max(0, m.start - 30) : m.start]
        after = article.text[m.end : m.end + 40]
        if _SPEECH_BEFORE.search(before) or _SPEECH_AFTER.match(after):
            weight *= 0.25
        votes[m.value] = votes.get(m.value, 0.0) + weight
    if votes:
        return max(votes.items(), key=lambda kv: (kv[1], -day_ordinal(kv[0])))[0]
    return article.published


def parse_day(value: str | None) -> date | None:
    """The day of an ISO date or datetime string (``2024-03-04``, ``2024-03-04T10:00``), or None."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def day_ordinal(value: str) -> int:
    """The day's proleptic ordinal (0 when ``value`` is not a date): sorts days, earlier first."""
    d = parse_day(value)
    return d.toordinal() if d else 0


def event_date(dates: Mapping[str, int]) -> str | None:
    """The date most members give (ties: the earlier day), or None: an event's date from its members' dates."""
    if not dates:
        return None
    return max(dates.items(), key=lambda kv: (kv[1], -day_ordinal(kv[0])))[0]
