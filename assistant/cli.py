"""The `wijzer` command: ingest, serve and ask, each a thin layer over the service."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from assistant.config import Settings
from assistant.errors import WijzerError

log = logging.getLogger("wijzer")


def _ingest(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.embeddings import build_embeddings
    from assistant.index import Index
    from ingest.pipeline import ingest

    index = Index(settings, build_embeddings(settings))
    if args.rebuild:
        index.reset()
    report = ingest(index, [Path(p) for p in args.paths] or None, progress=not args.quiet)
    if report.rebuilt:
        print(f"note: the index was built with {report.rebuilt}; rebuilt it with {index.model}")
    print(report.summary())
    return 1 if report.failed and not (report.added or report.changed or report.unchanged) else 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from assistant.api import create_app

    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=settings.log_level.lower())
    return 0


def _ask(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.service import build_service

    question = " ".join(args.question).strip()
    if not question:
        print("De vraag is leeg. Typ een vraag.", file=sys.stderr)
        return 2
    if len(question) > settings.max_question_chars:
        print(f"De vraag is te lang: maximaal {settings.max_question_chars} tekens.", file=sys.stderr)
        return 2
    answer = build_service(settings).ask(question)
    if args.json:
        print(answer.model_dump_json(indent=2))
        return 0
    print(answer.answer)
    for c in answer.citations:
        where = ", ".join(x for x in (f"p. {c.page}" if c.page else "", c.section or "") if x)
        print(f"\n[{c.n}] {c.document}" + (f" ({where})" if where else "") + f"\n    “{c.quote}”")
    return 0


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    parser = argparse.ArgumentParser(prog="wijzer", description="Wethouderswijzer: answers from the association's documents.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="(re)ingest corpus/ or the given files and folders")
    p.add_argument("paths", nargs="*")
    p.add_argument("--rebuild", action="store_true", help="drop the index and embed everything again")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=_ingest)
    p = sub.add_parser("serve", help="serve the web UI and the API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(run=_serve)
    p = sub.add_parser("ask", help="ask one question")
    p.add_argument("question", nargs="+")
    p.add_argument("--json", action="store_true", help="print the same object as POST /api/ask")
    p.set_defaults(run=_ask)
    args = parser.parse_args(argv)
    settings = Settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "chromadb", "bm25s", "sentence_transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return args.run(settings, args)
    except WijzerError as exc:
        log.error("%s", exc)
        return 1


if __name__ == "__main__":
    sys.exit(main())
