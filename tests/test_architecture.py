"""The layers of docs/architecture.md, checked against every module's imports (read with ``ast``, nothing run).

A failure names the module and the import that crosses a line: move the code to the right layer rather than
the import into a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "storyline"

# the CLI, and the HTTP API and web pages (storyline.web, its modules are shells too)
SHELLS = {"storyline.cli", "storyline.web"}
READ_SIDE = {"storyline.query", "storyline.render", "storyline.export"}
PIPELINE = "storyline.pipeline"
BATCH = "storyline.batch"  # batch mode runs the pipeline's stages on an engine: the pipeline's layer
STORE = "storyline.store"
# what a shell may import: the pipeline (to write), the read side, settings, errors, records, progress display,
# and open_store
SHELL_MAY = {
    "storyline.config",
    "storyline.errors",
    "storyline.records",
    "storyline.progress",
    PIPELINE,
    BATCH,
    STORE,
    *READ_SIDE,
    "storyline.web",
}


def _module(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, *, typing_too: bool = False) -> list[tuple[str, int, str]]:
    """(imported module, line, names) of every ``storyline`` import, relative imports resolved; imports under
    ``if TYPE_CHECKING:`` are left out unless ``typing_too``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    if not typing_too:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skip |= {id(n) for b in node.body for n in ast.walk(b)}
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno, "") for a in node.names if a.name.startswith("storyline")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("storyline"):
            for a in node.names:
                # "from storyline import query" imports the module storyline.query
                sub = f"{node.module}.{a.name}"
                target = (
                    sub
                    if (SRC.parent / (sub.replace(".", "/") + ".py")).exists()
                    or (SRC.parent / sub.replace(".", "/")).is_dir()
                    else node.module
                )
                out.append((target, node.lineno, a.name))
    return out


MODULES = {_module(p): p for p in sorted(SRC.rglob("*.py"))}


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _shell(name: str) -> bool:
    return any(_under(name, s) for s in SHELLS)


def test_the_modules_are_found() -> None:
    assert "storyline.cli" in MODULES and "storyline.query" in MODULES and "storyline.pipeline.jobs" in MODULES


@pytest.mark.parametrize("module", sorted(MODULES))
def test_layers(module: str) -> None:
    path = MODULES[module]
    bad = []
    for target, line, _ in _imports(path):
        if _shell(module):
            if (
                not any(_under(target, ok) for ok in SHELL_MAY)
                or _under(target, STORE + ".sql")
                or _under(target, STORE + ".sqlite")
                or _under(target, STORE + ".postgres")
            ):
                bad.append(f"line {line}: a shell imports {target} (call the query layer or the pipeline)")
        elif module in READ_SIDE:
            if _under(target, PIPELINE) or _under(target, BATCH) or _shell(target):
                bad.append(f"line {line}: the read side imports {target}")
            if module != "storyline.query" and (_under(target, STORE) or target == "storyline.query"):
                bad.append(f"line {line}: a serializer imports {target} (render records the query layer gave)")
        elif _under(module, PIPELINE) or _under(module, BATCH):
            if _shell(target) or target in READ_SIDE:
                bad.append(f"line {line}: the pipeline imports {target}")
        elif _under(module, STORE):
            if not (
                _under(target, STORE)
                or target in {"storyline.records", "storyline.errors", "storyline.dedupe.storage", "storyline.text"}
            ):
                bad.append(f"line {line}: the store imports {target} (it holds records, it runs no stage)")
        else:  # a stage or the foundation
            if (
                _shell(target)
                or target in READ_SIDE
                or _under(target, PIPELINE)
                or _under(target, BATCH)
                or _under(target, STORE)
            ):
                bad.append(f"line {line}: stage {module} imports {target} (stages take and return records)")
    assert not bad, f"{path.relative_to(SRC.parent)}:\n  " + "\n  ".join(bad)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_reaches_into_another_private_names(module: str) -> None:
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("storyline"):
                    aliases[a.asname or a.name.split(".")[0]] = a.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("storyline"):
            for a in node.names:
                if a.name.startswith("_") and not a.name.startswith("__"):
                    bad.append(f"line {node.lineno}: imports {node.module}.{a.name}")
                sub = f"{node.module}.{a.name}"
                if (SRC.parent / (sub.replace(".", "/") + ".py")).exists() or (
                    SRC.parent / sub.replace(".", "/")
                ).is_dir():
                    aliases[a.asname or a.name] = sub
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            bad.append(f"line {node.lineno}: uses {aliases[node.value.id]}.{node.attr}")
    assert not bad, f"{path.relative_to(SRC.parent)}:\n  " + "\n  ".join(bad)


def test_cli_imports_nothing_heavy_at_module_level() -> None:
    """``storyline --help`` must not pay for the engine: the CLI's top-level imports are click and records."""
    tree = ast.parse(MODULES["storyline.cli"].read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    names = {n.module if isinstance(n, ast.ImportFrom) else n.names[0].name for n in top}
    assert names <= {
        "__future__",
        "json",
        "logging",
        "sys",
        "collections.abc",
        "contextlib",
        "typing",
        "click",
        "storyline.records",
    }, names


def test_the_pipeline_imports_no_optional_engine_at_start() -> None:
    """Every ``ingest`` or ``analyse`` command imports the pipeline; a feed poll that brings one article should not
    also pay for scipy (the comparisons' sparse products import it when they run) or an NLP model's library."""
    import subprocess
    import sys

    code = "import sys, storyline.pipeline; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    loaded = set(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "storyline" in loaded
    assert not loaded & {"scipy", "sklearn", "spacy", "torch", "pyspark", "fastapi"}, loaded
