"""The clusterer's settings (``ClusterOptions``) and their canonical text (``options_key``)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterOptions:
    """Settings of the online clusterer; the values marked *tuned* come from bench/tune_cluster.py on ECB+ 1-35."""

    event_threshold: float = 0.18  # tuned: event-space cosine x decay needed to join an event
    story_threshold: float = 0.20  # tuned: story-space cosine needed for a new event to join a story
    name_weight: float = 1.5  # tuned: event-space weight of @name terms (relative to their plain word)
    story_name_weight: float = 0.75  # tuned: story-space weight of @name terms
    decay_days: float = 1.5  # e-folding time of event similarity beyond the grace period (hand-set on the seeds)
    grace_days: int = 1  # gaps up to this many days cost nothing: reports the day after (hand-set)
    date_window_days: int = 10  # mentions this far before publication can date the event (hand-set)
    vector_terms: int = 100  # an article keeps its heaviest terms only: bounds memory and time at 1M articles
    story_vector_terms: int = 100  # tuned: the story space sees an article's heaviest terms only (its theme)
    story_ratio: float = 0.5  # tuned: a story asks this share of its members' mean cosine (0: fixed threshold)
    story_floor: float = 0.05  # tuned: but never less than this cosine
    centroid_terms: int = 300  # an event centroid keeps this many terms (pruned when twice as long)
    story_terms: int = 1500  # a story centroid keeps this many terms
    # the next five and window / settled_terms are hand-set for latency and memory (bench/bench_cluster_scale.py)
    candidate_terms: int = 15  # index look-up uses the article's heaviest terms
    posting_cap: int = 100  # an index entry lists at most this many recently active clusters
    rerank: int = 10  # candidates scored exactly after the index pre-score
    story_rerank: int = 10  # stories scored exactly after the index pre-score
    # re-clustering pass: at the end of every ingest, and every ``recluster_every`` new articles within a large one
    # (1,000: the cadence bench/bench_cluster.py measures T17 with; 0 turns the in-ingest passes off)
    recluster_every: int = 1000
    merge_threshold: float = 0.70  # tuned: event centroids this similar merge
    story_merge_threshold: float = 0.45  # tuned: two one-article stories this similar merge
    story_merge_ratio: float = 0.45  # tuned (see attach_size): stories merge at this cross / within similarity
    move_margin: float = 0.02  # tuned: an article or event moves only if it fits the other cluster this much better
    split_threshold: float = 0.50  # tuned: an event whose two halves (2-means) are less similar than this splits
    split_min: int = 6  # tuned: events smaller than this are not split (too few articles to tell two happenings apart)
    window: int = 5000  # articles whose vectors are kept for re-clustering (older ones are settled)
    settled_terms: int = 40  # an event with no article in the window keeps this many terms (memory at 1M)
    recluster_rounds: int = 2  # rounds per re-clustering pass (each round sees the previous round's moves)
    # story consolidation (second chance for small stories), average linkage relative to the target's own spread
    # the next three and story_merge_ratio: grid in bench/tune_cluster.py --t17-loto (ECB+ 1-35 must stay at its
    # level; among those, the best on Timeline17; its held-out figure is leave-one-topic-out, see BENCHMARKS.md)
    attach_size: int = 10  # tuned: stories of at most this many articles get a second chance to join a larger one
    attach_ratio: float = 0.3  # tuned: mean cross-pair similarity must reach this share of the target's own mean
    attach_margin: float = 1.5  # tuned: and this many times the runner-up's share (clearly the best match)
    # share of a cosine given to the articles' sentence embeddings when the caller passes them (``[embed]``);
    # 0: words alone, and an embedding given is ignored. (Options added later go last: a saved state lists values
    # in field order.)
    dense_weight: float = 0.0  # event space
    story_dense_weight: float = 0.0  # story space

    def __setstate__(self, state: list[object]) -> None:
        """Unpickle values listed in field order; options added since the state was saved take their default."""
        for i, f in enumerate(dataclasses.fields(self)):
            object.__setattr__(self, f.name, state[i] if i < len(state) else f.default)


# the settings ``with_embeddings`` changes: tuned with embeddings weighed in (bench/tune_cluster_embed.py; ECB+
# 1-35 and Timeline17, each held out by topic: see BENCHMARKS.md)
EMBEDDING_SETTINGS: dict[str, Any] = {"story_dense_weight": 0.1}


def with_embeddings(options: ClusterOptions | None = None) -> ClusterOptions:
    """``options`` (default: the defaults) with the settings tuned for articles' embeddings (``storyline.embed``)."""
    return dataclasses.replace(options or ClusterOptions(), **EMBEDDING_SETTINGS)


# options added after states were first saved, with the value that leaves the clusterer as it was before them
_LATER = {"dense_weight": 0.0, "story_dense_weight": 0.0}


def options_key(options: ClusterOptions) -> str:
    """The options as canonical text: a saved state is resumed only under the options it was built with.

    An option added later is left out while it has its off value, so a state saved before it existed resumes.
    """
    fields = {k: v for k, v in dataclasses.asdict(options).items() if _LATER.get(k, object()) != v}
    return json.dumps(fields, sort_keys=True)
