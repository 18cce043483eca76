"""storyline's exceptions: small, structured, translated to exit codes or HTTP statuses only at the edges."""

from __future__ import annotations


class StorylineError(Exception):
    """Base class; ``status`` is the HTTP status an API would answer with."""

    status = 500


class InvalidInput(StorylineError):
    """An input file or record cannot be used; names the source and the problem."""

    status = 400

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class NotFound(StorylineError):
    """A story, event or article id that is not in the store."""

    status = 404


class BadQuery(StorylineError):
    """A search query or option the store cannot answer (no searchable words, an unknown kind)."""

    status = 400


class StoreError(StorylineError):
    """The database cannot be opened or migrated."""

    status = 500


class MissingExtra(StorylineError, ImportError):
    """An optional dependency is needed: says which extra to install. The one way storyline says so."""

    status = 501

    def __init__(self, feature: str, extra: str, needs: str = "an optional dependency") -> None:
        self.feature = feature
        self.extra = extra
        super().__init__(f'{feature} needs {needs}: pip install "storyline[{extra}]"')
