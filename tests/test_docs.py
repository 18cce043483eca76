"""The README keeps up with the CLI (sqlite-utils' habit): every command is in its usage block and has help text."""

from __future__ import annotations

import re

import click
import pytest

from conftest import ROOT
from storyline.cli import cli


def _commands() -> dict[str, click.Command]:
    # read at test time through click's own interface, so a command added later (or a lazily loaded group) counts
    ctx = click.Context(cli)
    found = {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}
    return {name: cmd for name, cmd in found.items() if cmd is not None and not cmd.hidden}


def _usage_block() -> str:
    """The first ```sh block under the README's "## Using it" heading."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Using it\n", 1)
    assert len(section) == 2, 'README.md has no "## Using it" section'
    block = re.search(r"```sh\n(.*?)\n```", section[1], re.S)
    assert block is not None, 'README.md\'s "## Using it" section has no ```sh block'
    return block.group(1)


def _documented() -> set[str]:
    return set(re.findall(r"^storyline ([a-z][a-z-]*)", _usage_block(), re.M))


def test_the_cli_has_commands() -> None:
    assert {"run", "ingest", "stories", "timeline", "export"} <= set(_commands())


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_is_in_the_readme_usage_block(name: str) -> None:
    assert name in _documented(), f"`storyline {name}` is missing from README.md's usage block (## Using it)"


def test_the_readme_names_only_real_commands() -> None:
    assert _documented() - set(_commands()) == set()


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_has_help_text(name: str) -> None:
    cmd = _commands()[name]
    assert (cmd.help or "").strip(), f"`storyline {name}` has no help text (a docstring or help=)"
    assert cmd.get_short_help_str().strip()  # the one line `storyline --help` prints beside it


def test_every_guarantee_names_tests_that_exist() -> None:
    """Each line of "What storyline guarantees" is backed by tests that are really in tests/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## What storyline guarantees\n", 1)
    assert len(section) == 2, 'README.md has no "## What storyline guarantees" section'
    body = section[1].split("\n## ", 1)[0]
    lines = [ln for ln in re.split(r"\n- ", body)[1:]]
    assert len(lines) >= 8
    for line in lines:
        current = None
        named = re.findall(r"`(test_\w+\.py)?(?:::(\w+))?`", line)
        assert named, f"a guarantee without a test: {line[:80]!r}"
        for file, test in named:
            current = file or current
            assert current is not None, line[:80]
            source = (ROOT / "tests" / current).read_text(encoding="utf-8")
            if test:
                assert re.search(rf"def {test}\b", source), f"{current}::{test} named in README.md does not exist"
