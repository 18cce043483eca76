"""Online two-level clustering: articles join events (one happening), events join stories (what a reader follows).

How one article is placed (``Clusterer.add``), in stream order:

1. Its terms (content words; capitalised words mid-sentence also as ``@name`` terms; years as ``#year``)
   become a sublinear TF-IDF vector with document frequencies of the stream so far, cut to its heaviest terms.
   Two weightings of the same terms are kept: the *event space* stresses names (who and where tell one
   happening from a similar one), the *story space* stresses names less (a story is a theme that outlives them).
2. Candidate events come from an inverted index of recent events per term (capped posting lists), never a scan.
   Similarity = cosine to the event centroid x a time decay on the gap between the article's event date
   (from its resolved date mentions, else its publication date) and the event's date; undated articles are
   judged on content alone. The best candidate above ``event_threshold`` wins; otherwise the article opens an
   event, which joins the most similar story above ``story_threshold`` (found the same way, no decay: stories
   run for years with gaps) or opens one.
3. ``recluster`` is the periodic correction pass: articles move to an event that fits them clearly better,
   near-identical events merge, events move to a story that fits them better, and stories merge when their
   articles are about as alike across as within (average linkage relative to the stories' own spread). Last, small
   recent stories get a second chance: one that clearly belongs to a larger story (judged against the stories
   as they are now, not as they were when its article arrived) joins it. Every change is returned as a
   ``Change`` (what, from, to, why) for the audit trail.

Ids are content hashes of the founding member, so they do not change when unrelated articles arrive; in a
merge the older cluster keeps its id. Thresholds were tuned on ECB+ topics 1-35 with bench/tune_cluster.py
(see BENCHMARKS.md, "Events and stories").

Modules: ``options`` (ClusterOptions), ``vectors`` (step 1: terms, stream idf, the two spaces, centroids), ``dates``
(an article's event date), ``clusterer`` (step 2), ``recluster`` (step 3), ``state`` (the saved state as rows, loaded
lazily and written where it changed; the older one-blob format is still read, to convert it).
"""

from storyline.cluster.clusterer import STATE_VERSION, Clusterer, StateError, stream_order
from storyline.cluster.dates import article_event_date
from storyline.cluster.options import ClusterOptions, options_key, with_embeddings
from storyline.cluster.vectors import terms

__all__ = [
    "STATE_VERSION",
    "ClusterOptions",
    "Clusterer",
    "StateError",
    "article_event_date",
    "options_key",
    "stream_order",
    "terms",
    "with_embeddings",
]
