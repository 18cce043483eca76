"""``DedupeOptions``: the dedupe stage's thresholds, each with where it comes from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class DedupeOptions:
    """Options for the dedupe stage; every default says where it comes from."""

    # Jaccard of word 5-shingle sets at or above which two articles are the same story.
    # A copy that keeps a fraction f of its source's text and adds little scores about f:
    # dropping the last of five paragraphs and adding a headline and a boilerplate line gives
    # ~0.75 (tests/test_dedupe.py builds exactly that case), while different reports of one
    # event that share quotes score far lower (the five seeds: at most 0.09 for any pair).
    # 0.7 is also the common cut-off for word-5-gram MinHash near-dedup (e.g. BigCode's).
    near_threshold: float = 0.7
    shingle_words: int = 5
    num_perm: int = 128
    # LSH only proposes candidates; the exact Jaccard decides. With 128 permutations an LSH
    # threshold of 0.7 finds only 44% of pairs at J = 0.7 (datasketch picks b=14, r=9), while
    # 0.5 (b=25, r=5) finds 99% of them and 5.5% of pairs at J = 0.3, which the exact check drops.
    lsh_margin: float = 0.2
    # Shortest reused span reported when it is not a shared quotation. Stock phrases match
    # by chance: across the five seeds the longest such match is 8 words ("leader Kim Jong
    # Un and Russian President Vladimir Putin", between two reports two years apart), so 10
    # leaves a margin; the seeds' reused sentences and wire paragraphs are 14-35 words long.
    passage_min_words: int = 10
    # Shorter spans count only as a shared quotation: a whole quotation of at least this many
    # words in one article that is also inside quotation marks in the other. Outlets excerpt
    # a few words of a statement verbatim, e.g. bilateral "strategic and tactical cooperation"
    # (4 words) in three seeds; 4 is the shortest such excerpt there, and unquoted chance
    # phrases ("North Korean leader Kim Jong Un") can never pass.
    quoted_min_words: int = 4
    # A key (a winnowed 5-gram or quoted 4-gram) that more than this many duplicate groups select pairs only among
    # its first (earliest published) this many, and anchors no span (``passages.anchor`` takes the span's next key):
    # stock phrases and site furniture ("We welcome comments that advance the story", a trading-platform footer),
    # whose key lists grow with the corpus and with them the work of every article added that carries them
    # (``incremental``); a passage is then carried by at most this many groups. Chosen on Timeline17 (4.6k articles, the dedupe development data),
    # among 50, 100, 150 and 200: the smallest that drops no passage but fragments of furniture (200 drops 32 of
    # 8,533, each carried by 3-4 groups: a comment rule or a standing paragraph plus a word of the page around
    # it). 100 and 150 also drop stock phrases of one topic ("the BP oil spill in the Gulf of Mexico", 5-26
    # groups), whose every key more groups select. T17's most widely carried passage has 66 groups.
    key_groups_max: int = 200

    def __post_init__(self) -> None:
        if not 0.0 < self.near_threshold <= 1.0:
            raise ValueError(f"near_threshold must be in (0, 1], got {self.near_threshold}")
        if self.shingle_words < 1:
            raise ValueError(f"shingle_words must be at least 1, got {self.shingle_words}")
        if self.num_perm < 2:
            raise ValueError(f"num_perm must be at least 2, got {self.num_perm}")
        if not 0.0 <= self.lsh_margin < self.near_threshold:
            raise ValueError(f"lsh_margin must be in [0, near_threshold={self.near_threshold}), got {self.lsh_margin}")
        if self.quoted_min_words < 2:
            raise ValueError(f"quoted_min_words must be at least 2, got {self.quoted_min_words}")
        if self.key_groups_max < 2:
            raise ValueError(
                f"key_groups_max must be at least 2 (a passage needs two groups), got {self.key_groups_max}"
            )
        if self.passage_min_words < self.quoted_min_words:
            raise ValueError(
                f"passage_min_words ({self.passage_min_words}) must be at least "
                f"quoted_min_words ({self.quoted_min_words})"
            )
