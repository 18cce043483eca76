"""The ``storyline`` command: a thin shell. Each command reads its settings, calls the pipeline (to write) or the
query layer (to read), and renders what comes back; library errors become click errors only here.

Nothing heavy is imported at module level, so ``storyline --help`` and ``--version`` answer at once and each
command pays only for the modules it uses.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from storyline.config import Settings
    from storyline.pipeline import PipelineOptions
    from storyline.query import TimelineView
    from storyline.store import Store

from storyline.records import SEARCH_KINDS

F = TypeVar("F", bound=Callable[..., Any])


def db_option(f: F) -> F:
    return click.option(
        "--db",
        "db",
        default=None,
        metavar="URL",
        help="SQLite file, sqlite:///PATH or postgresql://… (default: $STORYLINE_DB, then ./storyline.db).",
    )(f)


def nlp_option(f: F) -> F:
    f = click.option(
        "--fast",
        is_flag=True,
        default=False,
        help="Fast mode: rule-based extraction only, no statistical NER (the same as --no-nlp; the README says "
        "what it gives up).",
    )(f)
    return click.option(
        "--nlp/--no-nlp",
        "use_nlp",
        default=None,
        help="Use spaCy named-entity recognition (default: $STORYLINE_NLP, else when storyline[nlp] is installed).",
    )(f)


def _nlp(use_nlp: bool | None, fast: bool) -> bool | None:
    """``--fast`` is ``--no-nlp``; asking for both fast mode and NER is a usage error."""
    if fast and use_nlp:
        raise click.UsageError("--fast and --nlp contradict each other: fast mode runs no statistical NER")
    return False if fast else use_nlp


def embed_option(f: F) -> F:
    return click.option(
        "--embed/--no-embed",
        "embed",
        default=None,
        help="Weigh article embeddings into story clustering (the embed extra; default: $STORYLINE_EMBED, else off).",
    )(f)


def _check_embed(embed: bool) -> None:
    """``--embed`` without its extra is refused before anything is read, not after the articles are stored."""
    from storyline.pipeline import embed_available

    if embed and not embed_available():
        raise click.UsageError('--embed needs the embed extra: pip install "storyline[embed]"')


def private_option(f: F) -> F:
    return click.option(
        "--allow-private",
        is_flag=True,
        default=None,
        help="Fetch URLs on private, loopback and link-local addresses (refused by default).",
    )(f)


def fetch_option(f: F) -> F:
    return click.option(
        "--fetch",
        is_flag=True,
        default=None,
        help="Fetch the linked pages of local feed files (default: local inputs never reach the network; "
        "URL arguments are always fetched).",
    )(f)


def _settings(**flags: Any) -> Settings:
    from storyline.config import Settings
    from storyline.errors import StorylineError

    try:
        return Settings.load(**flags)
    except StorylineError as exc:
        raise click.UsageError(str(exc)) from exc


class NotFoundError(click.ClickException):
    """What was looked for is not there (an id, a database): exit 2, with what was looked for."""

    exit_code = 2


def _open(db: str | None, *, create: bool = False) -> Store:
    """The store ``--db`` names; a read command (``create=False``) never creates one."""
    from storyline.errors import NotFound, StorylineError
    from storyline.store import check_url, open_store

    url = _settings(db=db).db
    try:
        check_url(url)
    except StorylineError as exc:
        raise click.BadParameter(str(exc), param_hint="'--db' / $STORYLINE_DB") from exc
    try:
        return open_store(url, create=create)
    except NotFound as exc:
        raise NotFoundError(str(exc)) from exc
    except StorylineError as exc:
        raise click.ClickException(str(exc)) from exc


def iso_day(*, end: bool = False) -> Callable[[click.Context, click.Parameter, str | None], str | None]:
    """An option callback: YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date, as the ISO day it stands for, its
    first day (``--since``) or, with ``end``, its last (``--until``); anything else is a usage error."""

    def convert(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        from storyline.errors import BadQuery
        from storyline.query import iso_day as day

        if value is None:
            return None
        try:
            return day(value, end=end)
        except BadQuery as exc:
            raise click.BadParameter(str(exc)) from exc

    return convert


@contextmanager
def _errors() -> Iterator[None]:
    """Library errors as click errors: a bad query or option is a usage error (exit 2), an unknown id or prefix
    exits 2 naming it, the rest exit 1."""
    from storyline.errors import BadQuery, NotFound, StorylineError
    from storyline.query import Ambiguous

    try:
        yield
    except BadQuery as exc:
        raise click.UsageError(str(exc)) from exc
    except (NotFound, Ambiguous) as exc:  # an unknown id or prefix: exit 2, saying what was looked for
        raise NotFoundError(str(exc)) from exc
    except StorylineError as exc:
        raise click.ClickException(str(exc)) from exc


def _json(doc: Any) -> None:
    click.echo(json.dumps(doc, indent=2, ensure_ascii=False))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.version_option(package_name="storyline")
def cli(verbose: int) -> None:
    """Turn news articles from many outlets into deduplicated events and dated, cited storylines.

    Example: storyline run examples/sample --db demo.db
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _ingest(store: Store, paths: Sequence[str], options: PipelineOptions) -> int:
    """Ingest (a progress bar on a terminal), then analyse; returns the exit code for the rejections."""
    from storyline import pipeline

    if sys.stderr.isatty():
        from storyline.progress import RichProgress

        with RichProgress() as bars:
            report = pipeline.ingest(store, paths, options, progress=bars)
            _report(report)
            failed = pipeline.analyse(store, options, progress=bars)
    else:  # counts in the log (-v)
        report = pipeline.ingest(store, paths, options)
        _report(report)
        failed = pipeline.analyse(store, options)
    for r in failed:
        click.echo(f"rejected: {r.source}: {r.reason}", err=True)
    if report.rejected and report.new + report.seen == 0:
        return 2
    return 1 if report.rejected or failed else 0


def _report(report: Any) -> None:
    for r in report.rejected:
        click.echo(f"rejected: {r.source}: {r.reason}", err=True)
    click.echo(f"{report.new} new articles, {report.seen} already stored, {len(report.rejected)} rejected", err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@nlp_option
@embed_option
@private_option
@fetch_option
def ingest(
    paths: tuple[str, ...],
    db: str | None,
    use_nlp: bool | None,
    fast: bool,
    embed: bool | None,
    allow_private: bool | None,
    fetch: bool | None,
) -> None:
    """Add articles: files, folders (recursive), globs, - for JSONL on stdin, URLs of pages or RSS/Atom feeds.

    Reads text, HTML, JSONL, RSS/Atom (.rss/.atom/.xml) and WARC (.warc, .warc.gz) files.

    Example: storyline ingest ../shared/seeds https://example.org/feed.xml --db news.db
    """
    from storyline.pipeline import PipelineOptions

    settings = _settings(db=db, use_nlp=_nlp(use_nlp, fast), embed=embed, allow_private=allow_private, fetch=fetch)
    _check_embed(settings.embed)
    store = _open(settings.db, create=True)
    sys.exit(_ingest(store, paths, PipelineOptions.from_settings(settings)))


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@nlp_option
@embed_option
@click.option("--dates", "n_dates", type=click.IntRange(min=1), default=None, help="At most N dates per timeline.")
@click.option(
    "--per-date", type=click.IntRange(min=1), default=1, show_default=True, help="Summary sentences per date."
)
@private_option
@fetch_option
def run(
    paths: tuple[str, ...],
    db: str | None,
    use_nlp: bool | None,
    fast: bool,
    embed: bool | None,
    n_dates: int | None,
    per_date: int,
    allow_private: bool | None,
    fetch: bool | None,
) -> None:
    """The main job: ingest, deduplicate, extract, cluster, build timelines, print the storylines.

    Example: storyline run examples/sample --db demo.db
    """
    from storyline import query
    from storyline.pipeline import PipelineOptions

    settings = _settings(db=db, use_nlp=_nlp(use_nlp, fast), embed=embed, allow_private=allow_private, fetch=fetch)
    _check_embed(settings.embed)
    store = _open(settings.db, create=True)
    code = _ingest(store, paths, PipelineOptions.from_settings(settings, dates=n_dates, per_date=per_date))
    if code == 2:
        sys.exit(code)
    _print_timelines(query.timelines(store), "text")  # stored with the options just given
    sys.exit(code)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--engine", default="spark", show_default=True, metavar="NAME", help="The engine that runs the per-article stages."
)
@click.option(
    "--master",
    default=None,
    metavar="URL",
    help="Where Spark runs: local[N], spark://HOST:PORT or yarn (default: local[*]).",
)
@db_option
@nlp_option
@click.option("--dates", "n_dates", type=click.IntRange(min=1), default=None, help="At most N dates per timeline.")
@click.option(
    "--per-date", type=click.IntRange(min=1), default=1, show_default=True, help="Summary sentences per date."
)
@click.option(
    "--dedupe-chunk",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Articles the dedupe step indexes at once (default $STORYLINE_DEDUPE_CHUNK, else 20,000: ~3.3 GiB). A batch"
    " into an empty store is indexed from scratch in one update when it holds at most N: ~1.7 GiB per 10,000 articles.",
)
def batch(
    paths: tuple[str, ...],
    engine: str,
    master: str | None,
    db: str | None,
    use_nlp: bool | None,
    fast: bool,
    n_dates: int | None,
    per_date: int,
    dedupe_chunk: int | None,
) -> None:
    """Ingest and analyse files with the per-article stages on Spark (the spark extra); then the corpus-wide
    steps here. Stores what `storyline run` stores, for the same commands to read.

    Example: storyline batch crawl/*.warc.gz --engine spark --master local[8] --db postgresql://localhost/news
    """
    from storyline.batch import ENGINES, run_batch
    from storyline.errors import StorylineError
    from storyline.pipeline import PipelineOptions

    if engine not in ENGINES:
        raise click.BadParameter(
            f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}", param_hint="'--engine'"
        )
    settings = _settings(db=db, use_nlp=_nlp(use_nlp, fast), dedupe_chunk=dedupe_chunk)
    store = _open(settings.db, create=True)
    options = PipelineOptions.from_settings(settings, dates=n_dates, per_date=per_date)
    try:
        if sys.stderr.isatty():
            from storyline.progress import RichProgress

            with RichProgress() as bars:
                report = run_batch(store, paths, options, engine=engine, master=master, progress=bars)
        else:
            report = run_batch(store, paths, options, engine=engine, master=master)
    except StorylineError as exc:  # a missing extra (pyspark), no Java, a store that cannot be written
        raise click.ClickException(str(exc)) from exc
    _report(report)
    if report.rejected and report.new + report.seen == 0:
        sys.exit(2)
    sys.exit(1 if report.rejected else 0)


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stories(db: str | None, fmt: str) -> None:
    """List stories: id, title, date span, number of events, articles, outlets."""
    from storyline import query, render

    summaries = query.stories(_open(db), newest_first=False)
    if fmt == "json":
        _json([s.as_dict() for s in summaries])
    else:
        click.echo(render.stories_text(summaries) or "no stories yet: run `storyline ingest PATH` first")


@cli.command()
@click.argument("story", required=False)
@db_option
@click.option("--all", "all_", is_flag=True, help="Timelines of every story.")
@click.option("--since", callback=iso_day(), metavar="YYYY[-MM[-DD]]", help="From this day (a month: its 1st).")
@click.option("--until", callback=iso_day(end=True), metavar="YYYY[-MM[-DD]]", help="To this day (a month: its last).")
@click.option("--dates", "n_dates", type=click.IntRange(min=1), default=None, help="At most N dates.")
@click.option(
    "--per-date", type=click.IntRange(min=1), default=1, show_default=True, help="Summary sentences per date."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True)
@click.option(
    "--query", "query_text", default=None, metavar="QUERY", help="A timeline of every article a search finds."
)
@click.option("--entity", default=None, metavar="NAME", help="A timeline of an entity's articles (id, name or alias).")
@click.option("--everything", is_flag=True, help="A timeline of every stored article (narrow with --since/--until).")
def timeline(
    story: str | None,
    db: str | None,
    all_: bool,
    since: str | None,
    until: str | None,
    n_dates: int | None,
    per_date: int,
    fmt: str,
    query_text: str | None,
    entity: str | None,
    everything: bool,
) -> None:
    """One story's timeline (STORY id or a unique prefix), or every story's with --all.

    Or a timeline of any selection, whatever the clustering made of it: the articles a search finds (--query),
    an entity's articles (--entity) or every stored article (--everything), published within --since/--until.

    Example: storyline timeline --query 'oil spill' --since 2010-04-20 --dates 10
    """
    from storyline import query

    store = _open(db)
    options = query.timeline_options(dates=n_dates, per_date=per_date, since=since, until=until)
    selected = query_text is not None or entity is not None or everything
    if selected and (story or all_):
        raise click.UsageError("--query, --entity and --everything choose their own articles: drop STORY and --all")
    with _errors():
        if selected:
            views = [
                query.selection_timeline(store, query=query_text, entity=entity, everything=everything, options=options)
            ]
        elif story:
            views = query.timelines(store, [story], options)
        elif all_ or len(store.stories(limit=2)) == 1:
            views = query.timelines(store, None, options)
        else:
            raise click.UsageError("name a STORY (see `storyline stories`) or pass --all")
    _print_timelines(views, fmt)


def _print_timelines(views: Sequence[TimelineView], fmt: str) -> None:
    from storyline import render
    from storyline.export import SCHEMA, outlet_of, timeline_json

    if fmt == "json":
        timelines = [
            timeline_json(v.story.id, v.entries, v.quotes, {a: outlet_of(x) for a, x in v.articles.items()})
            for v in views
        ]
        _json({"schema": SCHEMA, "timelines": timelines})
    elif fmt == "md":
        click.echo("\n".join(render.timeline_markdown(v) for v in views))
    else:
        click.echo("\n\n".join(render.timeline_text(v) for v in views))


@cli.command(name="export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["json", "md"]), default="json", show_default=True)
@click.option("--story", "story_id", default=None, help="Only this story.")
def export_cmd(db: str | None, fmt: str, story_id: str | None) -> None:
    """Everything, or one story, in the storyline/1 schema (CONTRACT.md)."""
    from storyline import query
    from storyline.export import document

    store = _open(db)
    with _errors():
        if fmt == "json":
            _json(document(query.export_data(store, story_id)))
            return
        _print_timelines(query.timelines(store, None if story_id is None else [story_id]), "md")


@cli.command()
@db_option
def rejections(db: str | None) -> None:
    """List every input that could not be used, with the reason."""
    from storyline import query

    for r in query.rejections(_open(db)):
        click.echo(f"{r.source}\t{r.reason}")


@cli.command(name="compare")
@click.argument("target")
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True)
def compare_cmd(target: str, db: str | None, fmt: str) -> None:
    """What each source reports about one event or story (id or unique prefix): shared claims,
    claims unique to one source, claims in tension, and who reported first.

    Example: storyline compare e-5e93 --db news.db
    """
    from storyline import query, render
    from storyline.export import SCHEMA

    store = _open(db)
    with _errors():
        comps = query.comparisons(store, target)
    if fmt == "json":
        _json({"schema": SCHEMA, "comparisons": [c.as_dict() for _, c in comps]})
        return
    articles = query.comparison_articles(store, comps)
    draw = render.comparison_markdown if fmt == "md" else render.comparison_text
    click.echo(
        ("\n" if fmt == "md" else "\n\n").join(draw(f"{e.date or 'undated'}: {e.title}", c, articles) for e, c in comps)
    )


@cli.command()
@click.argument("cluster")
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def history(cluster: str, db: str | None, fmt: str) -> None:
    """The audit trail of one story or event (id or unique prefix; retired ids too): every re-clustering
    change that touched it (article moves, splits, merges, relinks), with ids, time and reason.

    Example: storyline history s-5e93 --db news.db
    """
    from storyline import query, render

    with _errors():
        found = query.history(_open(db), cluster)
    if fmt == "json":
        _json({"id": found.id, "changes": [{"at": at, **render.change_dict(c)} for at, c in found.changes]})
        return
    click.echo(render.history_text(found))


@cli.command()
@click.argument("article")
@db_option
@click.option("--color/--no-color", "color", default=None, help="ANSI colours (default: when printing to a terminal).")
def show(article: str, db: str | None, color: bool | None) -> None:
    """An article's text with dates, entities and quotes highlighted, then a list of each, its copies
    (or the article it copies) and the passages it shares with other articles, with their origin.

    ARTICLE is an article id (or a unique prefix) or its source path. Colours on a terminal;
    otherwise [entity]{TYPE}, [date]{value} and <<quote>> markers.

    Example: storyline show a-3f2c --db news.db
    """
    from storyline import query, render

    with _errors():
        view = query.article_view(_open(db), article)
    use_color = sys.stdout.isatty() if color is None else color
    click.echo(render.article_text(view, click.style if use_color else None), color=use_color)


@cli.command()
@click.argument("query")
@db_option
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(list(SEARCH_KINDS)),
    help="Only these kinds of hit (repeatable; default: all).",
)
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True, help="Hits per kind.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def search(query: str, db: str | None, kinds: tuple[str, ...], limit: int, fmt: str) -> None:
    """Full-text search over articles, quotes and entities (words stemmed; "a phrase" in quotes).

    Example: storyline search 'Shoigu "Pacific fleet"'
    """
    from storyline import query as q
    from storyline import render
    from storyline.export import SCHEMA

    store = _open(db)
    with _errors():
        hits = q.search(store, query, kinds, limit)
    if fmt == "json":
        _json({"schema": SCHEMA, "query": query, "hits": [h.as_dict() for h in hits]})
        return
    if not hits:
        click.echo(f"no matches for {query!r} (`storyline stories` lists what is stored)")
        return
    click.echo(render.search_text(hits))


@cli.command()
@db_option
@click.option("--host", default=None, help="Address to listen on (default: $STORYLINE_HOST, then 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (default: $STORYLINE_PORT, then 8000).")
def serve(db: str | None, host: str | None, port: int | None) -> None:
    """The HTTP API (OpenAPI at /openapi.json) and the web reading room over the store.

    Reads are open; POST /api/ingest needs the header Authorization: Bearer $STORYLINE_TOKEN (no token set:
    the server takes no writes). Binds 127.0.0.1 unless --host says otherwise.

    Example: storyline serve --db demo.db
    """
    from storyline.errors import MissingExtra, StorylineError

    settings = _settings(db=db, host=host, port=port)
    try:
        import uvicorn

        from storyline.web import create_app
    except ImportError as exc:
        raise click.ClickException(str(MissingExtra("storyline serve", "web", "FastAPI and uvicorn"))) from exc
    try:
        app = create_app(settings)
    except StorylineError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"serving {settings.db} on http://{settings.host}:{settings.port}/ (Ctrl-C stops)", err=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")


INTERNAL_ERROR = 3  # exit status of a bug in storyline itself (1: some inputs rejected, 2: usage or nothing read)


def main() -> None:
    """Console entry point. Exit status: 0 done; 1 some inputs rejected (the rest stored); 2 a usage error, or
    nothing could be processed; 3 storyline itself failed (a bug: the traceback, then one line saying so).
    Batches committed before a failure stay committed."""
    try:
        cli(prog_name="storyline")
    except Exception as exc:  # click has turned usage and library errors into exits: anything left is a bug
        import traceback

        traceback.print_exc()
        message = " ".join(str(exc).split())[:500]
        click.echo(
            f"storyline: internal error ({type(exc).__name__}: {message}); "
            "this is a bug: please report it with the traceback above",
            err=True,
        )
        sys.exit(INTERNAL_ERROR)
