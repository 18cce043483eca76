"""The storyline pipeline: the stages, in order, and the one place that runs them against a ``Store``.

1. **ingest** (``ingest.read``): find files and URLs, read text / HTML / JSONL / feeds / WARC, clean boilerplate,
   read title, date, dateline and agencies; each item becomes an ``Article`` or a ``Rejection``, stored one
   transaction per batch (ids are content hashes, so re-ingest is a no-op).
2. **dedupe** (``dedupe``): exact and near-duplicate articles and passages reused across outlets, each traced to
   its origin; the incremental update computes a delta, this package writes it.
3. **extract** (``stages.extract``, per article): date expressions resolved against the article's date, entity
   mentions, quotes with speaker and channel.
4. **link** (``link_state``, corpus level): mentions merged into entities across spellings, quote speakers
   pointed at them; new articles are added to the merge state kept in the store, so only the entities and
   speaker links they change are rewritten; stored once, read by every shell.
5. **cluster** (``cluster``): articles into events online, events into stories; the clusterer's saved state is
   resumed (without one, stored assignments are replayed), then a re-clustering pass may correct recent
   assignments, each change in the audit trail.
6. **timelines** (``timeline``) and 7. **comparisons** (``compare``): per story and per event, rebuilt when
   their inputs changed (a digest of them is stored beside each).

Per-item stages go through a ``Runner`` (``runners``: in-process or a process pool; ``storyline.batch.spark.SparkRunner`` on Spark) under an error
policy (``policy``): an article a stage fails on becomes a rejection row naming the stage, and the run goes on.
"""

from storyline.pipeline.jobs import IngestReport, PipelineOptions, analyse, ingest, make_runner, run, update_dedupe
from storyline.pipeline.policy import Failure, Guarded
from storyline.pipeline.runners import InlineRunner, ProcessRunner, Runner
from storyline.pipeline.stages import embed_available, extract, nlp_available

__all__ = [
    "Failure",
    "Guarded",
    "IngestReport",
    "InlineRunner",
    "PipelineOptions",
    "ProcessRunner",
    "Runner",
    "analyse",
    "embed_available",
    "extract",
    "ingest",
    "make_runner",
    "nlp_available",
    "run",
    "update_dedupe",
]
