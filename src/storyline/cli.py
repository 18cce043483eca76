"""The ``storyline`` command: a thin shell over the pipeline, the store and the exporters."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from storyline import dedupe, pipeline
from storyline.records import Change
from storyline.errors import BadQuery, StorylineError
from storyline.export import export, link_speakers, timeline_json
from storyline.compare import compare
from storyline.records import Article, Story
from storyline.render import (
    QUOTES_PER_ENTRY,
    QuoteIndex,
    comparison_markdown,
    comparison_text,
    search_text,
    stories_text,
    story_summary,
    timeline_markdown,
    timeline_quotes,
    timeline_text,
)
from storyline.store import Store, open_store
from storyline.store.sql import SEARCH_KINDS
from storyline.timeline import TimelineOptions

F = TypeVar("F", bound=Callable[..., Any])


def db_option(f: F) -> F:
    return click.option(
        "--db",
        "db",
        default=None,
        metavar="URL",
        help="SQLite file or sqlite:///PATH (default: $STORYLINE_DB, then ./storyline.db).",
    )(f)


def nlp_option(f: F) -> F:
    return click.option(
        "--nlp/--no-nlp",
        "use_nlp",
        default=None,
        help="Use spaCy named-entity recognition (default: when storyline[nlp] is installed).",
    )(f)


def private_option(f: F) -> F:
    return click.option(
        "--allow-private",
        is_flag=True,
        help="Fetch URLs on private, loopback and link-local addresses (refused by default).",
    )(f)


def _open(db: str | None) -> Store:
    try:
        return open_store(db)
    except StorylineError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.version_option(package_name="storyline")
def cli(verbose: int) -> None:
    """Turn news articles from many outlets into deduplicated events and dated, cited storylines.

    Example: storyline run examples/sample --db demo.db
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _ingest(store: Store, paths: Sequence[str], options: pipeline.PipelineOptions, analyse: bool) -> int:
    """Ingest with a progress bar on a terminal; returns the exit code for the rejections."""
    if sys.stderr.isatty():
        with click.progressbar(length=0, label="ingesting", file=sys.stderr, show_pos=True) as bar:
            report = pipeline.ingest(store, paths, options, progress=bar.update)
    else:
        report = pipeline.ingest(store, paths, options)
    for r in report.rejected:
        click.echo(f"rejected: {r.source}: {r.reason}", err=True)
    click.echo(
        f"{report.new} new articles, {report.seen} already stored, {len(report.rejected)} rejected", err=True
    )
    if analyse:
        pipeline.analyse(store, options)
    if report.rejected and report.new + report.seen == 0:
        return 2
    return 1 if report.rejected else 0


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@nlp_option
@private_option
def ingest(paths: tuple[str, ...], db: str | None, use_nlp: bool | None, allow_private: bool) -> None:
    """Add articles: files, folders (recursive), globs, - for JSONL on stdin, URLs of pages or RSS/Atom feeds.

    Reads text, HTML, JSONL, RSS/Atom (.rss/.atom/.xml) and WARC (.warc, .warc.gz) files.

    Example: storyline ingest ../shared/seeds https://example.org/feed.xml --db news.db
    """
    store = _open(db)
    options = pipeline.PipelineOptions(use_nlp=use_nlp, allow_private=allow_private)
    code = _ingest(store, paths, options, analyse=True)
    sys.exit(code)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@nlp_option
@click.option("--dates", "n_dates", type=int, default=None, help="At most N dates per timeline.")
@click.option("--per-date", type=int, default=1, show_default=True, help="Summary sentences per date.")
@private_option
def run(
    paths: tuple[str, ...], db: str | None, use_nlp: bool | None, n_dates: int | None, per_date: int,
    allow_private: bool,
) -> None:
    """The main job: ingest, deduplicate, extract, cluster, build timelines, print the storylines.

    Example: storyline run examples/sample --db demo.db
    """
    store = _open(db)
    options = pipeline.PipelineOptions(
        use_nlp=use_nlp, timeline=TimelineOptions(dates=n_dates, per_date=per_date), allow_private=allow_private
    )
    code = _ingest(store, paths, options, analyse=True)
    if code == 2:
        sys.exit(code)
    _print_timelines(store, store.stories(), "text", TimelineOptions(dates=n_dates, per_date=per_date))
    sys.exit(code)


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stories(db: str | None, fmt: str) -> None:
    """List stories: id, title, date span, number of events, articles, outlets."""
    store = _open(db)
    articles = {a.id: a for a in store.articles()}
    events = store.events()
    sts = store.stories()
    if fmt == "json":
        click.echo(json.dumps([story_summary(s, events, articles) for s in sts], indent=2, ensure_ascii=False))
    else:
        click.echo(stories_text(sts, events, articles) or "no stories yet: run `storyline ingest PATH` first")


@cli.command()
@click.argument("story", required=False)
@db_option
@click.option("--all", "all_", is_flag=True, help="Timelines of every story.")
@click.option("--since", default=None, metavar="YYYY-MM-DD")
@click.option("--until", default=None, metavar="YYYY-MM-DD")
@click.option("--dates", "n_dates", type=int, default=None, help="At most N dates.")
@click.option("--per-date", type=int, default=1, show_default=True, help="Summary sentences per date.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True)
def timeline(
    story: str | None, db: str | None, all_: bool, since: str | None, until: str | None,
    n_dates: int | None, per_date: int, fmt: str,
) -> None:
    """One story's timeline (STORY id or a unique prefix), or every story's with --all."""
    store = _open(db)
    sts = store.stories()
    if story:
        chosen = [s for s in sts if s.id.startswith(story)]
        if len(chosen) != 1:
            raise click.ClickException(
                f"{'no' if not chosen else 'more than one'} story matches {story!r}; `storyline stories` lists them"
            )
    elif all_ or len(sts) == 1:
        chosen = sts
    else:
        raise click.UsageError("name a STORY (see `storyline stories`) or pass --all")
    _print_timelines(store, chosen, fmt, TimelineOptions(dates=n_dates, per_date=per_date, since=since, until=until))


def _print_timelines(store: Store, chosen: Sequence[Story], fmt: str, options: TimelineOptions) -> None:
    articles = {a.id: a for a in store.articles()}
    events = store.events()
    duplicates = store.duplicates()
    dup = {d.article: d.duplicate_of for d in duplicates}
    source_of = dedupe.source_roots(duplicates, store.passages())  # wire copy counts once, as in the export
    mentions: dict[str, list[Any]] = {}
    for m in store.date_mentions():
        mentions.setdefault(m.article, []).append(m)
    timelines = [(s, pipeline.story_timeline(s, events, articles, mentions, dup, source_of, options)) for s in chosen]
    quotes = link_speakers(store.quotes(), store.entities())
    index = QuoteIndex.build(quotes, events)
    said = [timeline_quotes(e, index, limit=QUOTES_PER_ENTRY if fmt != "json" else 5) for _, e in timelines]
    if fmt == "json":
        doc = {"schema": "storyline/1", "timelines": [timeline_json(s.id, e, q) for (s, e), q in zip(timelines, said)]}
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    elif fmt == "md":
        click.echo("\n".join(timeline_markdown(s, e, articles, q) for (s, e), q in zip(timelines, said)))
    else:
        click.echo("\n\n".join(timeline_text(s, e, articles, events, q) for (s, e), q in zip(timelines, said)))


@cli.command(name="export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["json", "md"]), default="json", show_default=True)
@click.option("--story", "story_id", default=None, help="Only this story.")
def export_cmd(db: str | None, fmt: str, story_id: str | None) -> None:
    """Everything, or one story, in the storyline/1 schema (CONTRACT.md)."""
    store = _open(db)
    try:
        doc = export(store, story_id)
    except StorylineError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    _print_timelines(store, [s for s in store.stories() if story_id in (None, s.id)], "md", TimelineOptions())


@cli.command()
@db_option
def rejections(db: str | None) -> None:
    """List every input that could not be used, with the reason."""
    store = _open(db)
    for r in store.rejections():
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
    store = _open(db)
    all_events = store.events()
    events = [e for e in all_events if e.id.startswith(target)]
    stories_ = [s for s in store.stories() if s.id.startswith(target)]
    if len(events) + len(stories_) != 1:
        raise click.ClickException(
            f"{'no' if not events and not stories_ else 'more than one'} event or story matches {target!r}; "
            "`storyline stories` and `storyline export` list them"
        )
    # a story is compared event by event: claims about different happenings are not in tension
    chosen = events or [e for e in all_events if e.story == stories_[0].id]
    articles = {a.id: a for a in store.articles([a for e in chosen for a in e.articles])}
    dup = {d.article: d.duplicate_of for d in store.duplicates()}
    passages = store.passages()  # wire copy two outlets carry counts as one source for the claims inside it
    comps = [(e, compare(e, articles, dup, passages=passages)) for e in chosen]
    if fmt == "json":
        doc = {"schema": "storyline/1", "comparisons": [c.as_dict() for _, c in comps]}
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    elif fmt == "md":
        click.echo("\n".join(comparison_markdown(f"{e.date or 'undated'}: {e.title}", c, articles) for e, c in comps))
    else:
        click.echo("\n\n".join(comparison_text(f"{e.date or 'undated'}: {e.title}", c, articles) for e, c in comps))


@cli.command()
@click.argument("cluster")
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def history(cluster: str, db: str | None, fmt: str) -> None:
    """The audit trail of one story or event (id or unique prefix; retired ids too): every re-clustering
    change that touched it (article moves, splits, merges, relinks), with ids, time and reason.

    Example: storyline history s-5e93 --db news.db
    """
    store = _open(db)
    known = [s.id for s in store.stories()] + [e.id for e in store.events()]
    if cluster not in known:
        retired = {i for _, c in store.changes() for i in (c.subject, c.source, c.target, c.source_story, c.target_story)}
        matches = sorted({i for i in known + sorted(retired) if i.startswith(cluster)})
        if len(matches) != 1:
            raise click.ClickException(
                f"{'no' if not matches else 'more than one'} story or event matches {cluster!r}; "
                "`storyline stories` lists them"
            )
        cluster = matches[0]
    rows = store.changes(cluster)
    if fmt == "json":
        doc = [{"at": at, **change_dict(c)} for at, c in rows]
        click.echo(json.dumps({"id": cluster, "changes": doc}, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo(f"{cluster}: no re-clustering changes (its members are as first assigned)")
    for at, c in rows:
        where = f"{c.source} -> {c.target}"
        if c.source_story != c.target_story:
            where += f" (story {c.source_story} -> {c.target_story})"
        click.echo(f"{at}  {c.kind:<11} {c.subject}  {where}: {c.reason}")


def change_dict(change: Change) -> dict[str, str]:
    """One audit-trail change as a JSON-ready dict."""
    return {k: str(v) for k, v in change.as_dict().items()}


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
    store = _open(db)
    arts = store.articles()
    chosen = [a for a in arts if a.id == article or a.source == article] or [a for a in arts if a.id.startswith(article)]
    if len(chosen) != 1:
        raise click.ClickException(
            f"{'no' if not chosen else 'more than one'} article matches {article!r}; `storyline export` lists them"
        )
    art = chosen[0]
    dates = store.date_mentions([art.id])
    mentions = [m for m in store.mentions() if m.article == art.id]
    from storyline.export import link_speakers

    entities = store.entities()
    quotes = link_speakers([q for q in store.quotes() if q.article == art.id], entities)
    use_color = sys.stdout.isatty() if color is None else color
    click.echo(f"{art.id}  {art.title or ''}  ({art.published or 'undated'}, {art.outlet or art.source})")
    click.echo(highlight(art.text, dates, mentions, quotes, use_color), color=use_color)
    click.echo("\ndates:")
    for d in dates:
        click.echo(f"  {d.start:>6}  {d.text!r} -> {d.value or 'unresolved'} ({d.granularity})")
    click.echo("entities:")
    names = {a: e.name for e in entities for a in (e.name, *e.aliases)}
    for m in mentions:
        merged = names.get(m.text)
        click.echo(f"  {m.start:>6}  {m.text!r} {m.type}" + (f" = {merged}" if merged and merged != m.text else ""))
    click.echo("quotes:")
    for q in quotes:
        via = f" via {' < '.join(q.via)}" if q.via else ""
        kind = "direct" if q.direct else "reported"
        click.echo(f"  {q.start:>6}  {q.speaker or '(unknown)'} [{q.cue or '-'}, {kind}{via}]: {q.text[:100]!r}")
    _show_reuse(store, art)


def _show_reuse(store: Store, art: Article) -> None:
    """Who copied whom, seen from one article: its copies or its original, and the passages it shares."""
    dups = store.duplicates()
    outlets = {a.id: a.outlet or a.source for a in store.articles([d for x in dups for d in (x.article, x.duplicate_of)])}
    click.echo("copies:")
    for d in dups:
        if d.article == art.id:
            click.echo(f"  copy ({d.kind}, {d.similarity:.2f}) of {d.duplicate_of} ({outlets.get(d.duplicate_of, '?')})")
        elif d.duplicate_of == art.id:
            click.echo(f"  copied ({d.kind}, {d.similarity:.2f}) by {d.article} ({outlets.get(d.article, '?')})")
    shared = [p for p in store.passages() if art.id in p.articles]
    others = {a.id: a for a in store.articles(sorted({o for p in shared for o in p.articles}))}
    click.echo("shared passages:")
    found = {p.id: _find_words(art.text, p.text) for p in shared}
    for p in sorted(shared, key=lambda p: found[p.id]):
        at = found[p.id]
        origin = p.origin_agency or (
            "this article" if p.origin_article == art.id
            else f"{p.origin_article} ({others[p.origin_article].outlet or 'no outlet'})"
            if p.origin_article in others else str(p.origin_article)
        )
        carriers = [others[o].outlet or o for o in p.articles if o != art.id and o in others]
        click.echo(
            f"  {at if at >= 0 else '-':>6}  origin {origin}; also in {len(carriers)}: {', '.join(carriers[:6])}"
            f"{' …' if len(carriers) > 6 else ''}: {p.text[:90]!r}"
        )


def _find_words(text: str, passage: str) -> int:
    """Where ``passage`` (as its origin writes it) stands in ``text``: its words in order, whatever the quote
    marks, case and punctuation between them (as dedupe matched them); -1 when absent."""
    words = re.findall(r"[^\W_]+", passage)
    if not words:
        return -1
    m = re.search(r"[\W_]+".join(map(re.escape, words)), text, re.I)
    return m.start() if m else -1


def highlight(text: str, dates: Sequence[Any], mentions: Sequence[Any], quotes: Sequence[Any], color: bool) -> str:
    """``text`` with spans marked: ANSI colours, or bracket markers when ``color`` is False.

    Dates win over entities, entities over quotes, where spans overlap.
    """
    # one layer per kind; a character takes the first layer that covers it
    layers: list[tuple[str, list[tuple[int, int, str]]]] = [
        ("date", [(d.start, d.end, d.value or "?") for d in dates]),
        ("entity", [(m.start, m.end, m.type) for m in mentions]),
    ]
    owner: list[tuple[str, int] | None] = [None] * len(text)
    for kind, spans in layers:
        for i, (s, e, _) in enumerate(spans):
            if all(owner[p] is None for p in range(s, min(e, len(text)))):
                for p in range(s, min(e, len(text))):
                    owner[p] = (kind, i)
    labels = {kind: spans for kind, spans in layers}
    quote_at = [False] * len(text)
    for q in quotes:
        for p in range(q.start, min(q.end, len(text))):
            quote_at[p] = True
    colours = {"date": "yellow", "entity": "cyan"}
    out: list[str] = []
    p = 0
    while p < len(text):
        if quote_at[p] and (p == 0 or not quote_at[p - 1]) and not color:
            out.append("<<")
        o = owner[p]
        if o is not None:
            kind, i = o
            s, e, label = labels[kind][i]
            piece = text[p:e]
            out.append(click.style(piece, fg=colours[kind], bold=True) if color else f"[{piece}]{{{label}}}")
            p = e
        else:
            q = p
            while q < len(text) and owner[q] is None and quote_at[q] == quote_at[p]:
                q += 1
            piece = text[p:q]
            out.append(click.style(piece, fg="green") if color and quote_at[p] else piece)
            p = q
        if not color and quote_at[p - 1] and (p == len(text) or not quote_at[p]):
            out.append(">>")
    return "".join(out)


@cli.command()
@click.argument("query")
@db_option
@click.option("--kind", "kinds", multiple=True, type=click.Choice(list(SEARCH_KINDS)),
              help="Only these kinds of hit (repeatable; default: all).")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True, help="Hits per kind.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def search(query: str, db: str | None, kinds: tuple[str, ...], limit: int, fmt: str) -> None:
    """Full-text search over articles, quotes and entities (words stemmed; "a phrase" in quotes).

    Example: storyline search 'Shoigu "Pacific fleet"'
    """
    store = _open(db)
    try:
        hits = store.search(query, kinds or SEARCH_KINDS, limit)
    except BadQuery as exc:
        raise click.UsageError(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps({"schema": "storyline/1", "query": query, "hits": [h.as_dict() for h in hits]},
                              indent=2, ensure_ascii=False))
        return
    if not hits:
        click.echo(f"no matches for {query!r} (`storyline stories` lists what is stored)")
        return
    click.echo(search_text(hits))


def main() -> None:
    """Console entry point."""
    cli(prog_name="storyline")
