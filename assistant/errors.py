"""The project's exceptions: each names what went wrong, so the edge can say it in Dutch and English."""

from __future__ import annotations

from pathlib import Path


class WijzerError(Exception):
    """Base class of every error this project raises on purpose."""


class IngestError(WijzerError):
    """A file could not be read into text; the rest of the corpus is still ingested."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


class Unavailable(WijzerError):
    """A part the assistant needs cannot be used right now: the edge answers 503 with the Dutch text of the
    prompt `prompt` (prompts/<prompt>.md), and the service keeps running."""

    prompt = "unavailable"


class IndexModelMismatch(Unavailable):
    """The index was built with another embedding model than the one configured."""

    prompt = "unavailable_rebuild"

    def __init__(self, built_with: str, configured: str):
        self.built_with = built_with
        self.configured = configured
        super().__init__(
            f"the index was built with embedding model {built_with!r} but {configured!r} is configured; "
            "run 'wijzer ingest' to rebuild it"
        )


class EmptyIndex(Unavailable):
    """Nothing has been ingested yet."""

    prompt = "unavailable_not_ingested"

    def __init__(self) -> None:
        super().__init__("the index is empty; run 'wijzer ingest' first")


class StoreUnavailable(Unavailable):
    """The Chroma server (WIJZER_CHROMA_URL) cannot be reached; the next request tries again."""

    prompt = "unavailable_store"

    def __init__(self, url: str, reason: object):
        self.url = url
        super().__init__(f"the Chroma server at {url} cannot be reached: {reason}")


class DatabaseUnavailable(Unavailable):
    """The database (WIJZER_DATABASE_URL) cannot be reached; the next request tries again."""

    prompt = "unavailable_database"

    def __init__(self, reason: object):
        super().__init__(f"the database cannot be reached: {reason}")


class FittedModelMissing(WijzerError):
    """A fitted model file (assistant/fitted/*.json) is missing or unreadable."""

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(f"fitted model {self.path} is missing or unreadable; run 'wijzer fit' to make it")


class AccountError(WijzerError):
    """A `wijzer user` command could not be carried out."""

    def __init__(self, name: str, reason: str):
        self.name = name
        self.reason = reason
        super().__init__(f"user {name!r}: {reason}")


class Refused(WijzerError):
    """The bureau's workspace refuses an action; `code` names a Dutch message in prompts/staff.yaml."""

    def __init__(self, code: str, detail: str = "", **values):
        self.code = code
        self.values = values
        super().__init__(f"refused ({code}){': ' + detail if detail else ''}")


class GeneratorSettingsError(WijzerError):
    """A language-model generator was chosen without what it needs."""

    def __init__(self, generator: str, reason: str):
        self.generator = generator
        super().__init__(f"WIJZER_GENERATOR={generator}: {reason}")
