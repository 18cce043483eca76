"""The ``storyline`` command: a thin shell over the pipeline, the store and the exporters."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from storyline import pipeline
from storyline.errors import StorylineError
from storyline.export import export, timeline_json
from storyline.records import Story
from storyline.render import stories_text, story_summary, timeline_markdown, timeline_text
from storyline.store import Store, open_store
from storyline.timeline import TimelineOptions, build_timeline

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
def ingest(paths: tuple[str, ...], db: str | None, use_nlp: bool | None) -> None:
    """Add articles: files, folders (recursive), globs, - for JSONL on stdin.

    Example: storyline ingest ../shared/seeds --db news.db
    """
    store = _open(db)
    code = _ingest(store, paths, pipeline.PipelineOptions(use_nlp=use_nlp), analyse=True)
    sys.exit(code)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@nlp_option
@click.option("--dates", "n_dates", type=int, default=None, help="At most N dates per timeline.")
@click.option("--per-date", type=int, default=1, show_default=True, help="Summary sentences per date.")
def run(paths: tuple[str, ...], db: str | None, use_nlp: bool | None, n_dates: int | None, per_date: int) -> None:
    """The main job: ingest, deduplicate, extract, cluster, build timelines, print the storylines.

    Example: storyline run examples/sample --db demo.db
    """
    store = _open(db)
    options = pipeline.PipelineOptions(use_nlp=use_nlp, timeline=TimelineOptions(dates=n_dates, per_date=per_date))
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
    dup = {d.article: d.duplicate_of for d in store.duplicates()}
    mentions: dict[str, list[Any]] = {}
    for m in store.date_mentions():
        mentions.setdefault(m.article, []).append(m)
    timelines = [(s, build_timeline(s, events, articles, mentions, dup, options)) for s in chosen]
    if fmt == "json":
        doc = {"schema": "storyline/1", "timelines": [timeline_json(s.id, e) for s, e in timelines]}
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    elif fmt == "md":
        click.echo("\n".join(timeline_markdown(s, e, articles) for s, e in timelines))
    else:
        click.echo("\n\n".join(timeline_text(s, e, articles, events) for s, e in timelines))


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


def main() -> None:
    """Console entry point."""
    cli(prog_name="storyline")
