"""The `wijzer` command: ingest, serve and ask, each a thin layer over the service."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from assistant.config import Settings
from assistant.errors import AccountError, WijzerError

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
    return 1 if report.stopped or (report.failed and not (report.added or report.changed or report.unchanged)) else 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from assistant.api import create_app
    from assistant.errors import IndexModelMismatch
    from assistant.service import build_service

    try:  # built before the server, so an index of another model stops it with one line, not a traceback
        service = build_service(settings)
    except IndexModelMismatch as exc:
        print(f"wijzer serve: {exc}", file=sys.stderr)
        return 2
    service.warm()  # the labelled questions embedded before the first member's question, not during it
    uvicorn.run(create_app(settings, service), host=args.host, port=args.port, log_level=settings.log_level.lower())
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


def _eval(settings: Settings, args: argparse.Namespace) -> int:
    import time

    from assistant.feedback import FeedbackStore
    from assistant.generators import GENERATORS
    from assistant.service import build_service
    from eval import questions as question_set
    from eval.report import terminal_summary, write
    from eval.runner import configurations, run

    if args.eval_command == "import-feedback":
        from eval.feedback_import import write_drafts

        out = Path(args.out or "eval/feedback-drafts.yaml")
        from assistant.database import Database

        count = write_drafts(FeedbackStore(Database.open(settings)), out)
        print(f"{count} draft questions from thumbs-down feedback written to {out}")
        return 0

    questions = question_set.load(Path(args.questions) if args.questions else question_set.DEFAULT)
    # Default: the quotes, and the configured generator beside them (a language model needs its settings).
    generators = [g for value in args.generators or [] for g in value.split(",") if g]
    generators = generators or list(dict.fromkeys(["extractive", settings.generator]))
    unknown = [g for g in generators if g not in GENERATORS]
    if unknown:
        raise SystemExit(f"unknown generator(s) {', '.join(unknown)}; choose from {', '.join(GENERATORS)}")
    services = {g: build_service(settings.model_copy(update={"generator": g})) for g in generators}
    judge = None
    if settings.judge_url:
        from eval.judge import Judge

        judge = Judge(settings.judge_url, settings.judge_model, settings.judge_api_key)
    result = run(services, configurations(generators, tuple(args.strategies)), questions, judge=judge,
                 progress=not args.quiet)
    from assistant.answerability import MODEL_PATH

    fitted = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    result.update(answerability={"threshold": fitted["threshold"], **fitted["scores"]},
                  created=time.strftime("%Y-%m-%d %H:%M:%S"),
                  questions=str(args.questions or question_set.DEFAULT.relative_to(question_set.DEFAULT.parent.parent)),
                  judge_model=judge.model if judge else None, compared_with=args.compare)
    baseline = json.loads(Path(args.compare).read_text(encoding="utf-8")) if args.compare else None
    paths = write(result, Path(args.out), baseline)
    print(terminal_summary(result))
    print("report: " + ", ".join(str(p) for p in paths.values()))
    return 0


def _fit(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.embeddings import CachedEmbeddings, build_embeddings
    from assistant.generators.extractive import ExtractiveGenerator
    from assistant.index import Index
    from assistant.routing import Router
    from assistant.service import Service
    from assistant.templates import Templates
    from eval.fit import fit, rethreshold, summary

    if args.asked_only:
        from eval.fit import write_remembered

        remembered, routes = write_remembered(Path(args.out) if args.out else None)
        print(f"questions asked before: {len(remembered)}; questions routed before: {len(routes)}; written to "
              f"{args.out or 'assistant/fitted/'}")
        return 0
    if args.threshold_only:
        from assistant.answerability import MODEL_PATH
        from assistant.service import build_service

        fresh = rethreshold(build_service(settings), MODEL_PATH)
        c = fresh["chosen"]
        print(f"answerability threshold {c['threshold']:.3f}, least cost on {fresh['questions']} questions of "
              f"{', '.join(fresh['parts'])} ({c['sent_away']} sent away, {c['wrongly_answered']} wrongly answered, "
              f"Brier {fresh['brier']:.4f}); written to {MODEL_PATH}")
        return 0
    embeddings = CachedEmbeddings(build_embeddings(settings))
    index = Index(settings, embeddings)
    index.check_model()
    # Built from its parts: the models this command makes may not exist yet.
    router = Router(embeddings=embeddings if settings.routing_similarity else None, cache_dir=settings.models_dir)
    service = Service(settings, index, router,
                      ExtractiveGenerator(ranker=None), Templates(settings.prompts_dir), answerability=None)
    result = fit(service, Path(args.out) if args.out else None)
    print(summary(result))
    return 0


def _password(args: argparse.Namespace) -> str:
    """Asked twice on the terminal; read from standard input with --password-stdin (for scripts)."""
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("password again: "):
        raise AccountError(args.name, "the two passwords differ")
    return first


def _user(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.database import Database
    from assistant.staff.accounts import Accounts
    from assistant.staff.audit import AuditLog

    db = Database.open(settings)
    accounts, audit = Accounts(db), AuditLog(db)
    who = f"cli:{os.environ.get('USER', 'unknown')}"
    if args.user_command == "list":
        for user in accounts.list():
            print(f"{user.name}\t{user.role}\t{'active' if user.active else 'disabled'}\t{user.created_at:%Y-%m-%d}")
        return 0
    if not args.name:
        raise AccountError("", f"'wijzer user {args.user_command}' needs a NAME")
    if args.user_command == "add":
        accounts.add(args.name, args.role, _password(args))
        audit.add(who, "user.add", args.name, f"role={args.role}")
        print(f"user {args.name} ({args.role}) added")
    elif args.user_command == "disable":
        accounts.disable(args.name)
        audit.add(who, "user.disable", args.name)
        print(f"user {args.name} disabled; their sessions have ended")
    elif args.user_command == "reset":
        accounts.reset(args.name, _password(args))
        audit.add(who, "user.reset", args.name)
        print(f"user {args.name}: new password set, account active")
    return 0


def _drafts(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.database import Database
    from assistant.staff.drafts import Drafts, parse_age

    try:
        age = parse_age(args.older_than)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    removed = Drafts(Database.open(settings), {}).purge(age, who=f"cli:{os.environ.get('USER', 'unknown')}")
    print(f"{removed} drafts not changed in {args.older_than} removed, with their versions and the members' data")
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
    p = sub.add_parser("eval", help="score the assistant on a question set and write a report")
    p.add_argument("eval_command", nargs="?", choices=["import-feedback"],
                   help="import-feedback: turn thumbs-down feedback into draft questions")
    p.add_argument("--questions", help="question file (default eval/questions.yaml)")
    p.add_argument("--out", help="report folder (default eval-report/), or the drafts file for import-feedback")
    p.add_argument("--compare", help="an earlier report.json to show the change against")
    p.add_argument("--strategies", nargs="+", default=["bm25", "dense", "hybrid"], choices=["bm25", "dense", "hybrid"])
    p.add_argument("--generators", nargs="+",
                   help="generators to compare side by side, e.g. extractive,openai (default: extractive and "
                        "WIJZER_GENERATOR)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=_eval)
    p = sub.add_parser("fit", help="refit the sentence ranker and the answerability model on the labelled questions")
    p.add_argument("--out", help="folder to write the models to (default assistant/fitted/)")
    p.add_argument("--threshold-only", action="store_true",
                   help="keep the fitted answerability model and choose its threshold anew on the held-out parts read")
    p.add_argument("--asked-only", action="store_true",
                   help="only write the questions asked and routed before (assistant/fitted/asked.json, routed.json) "
                        "from eval/questions.yaml")
    p.set_defaults(run=_fit)
    p = sub.add_parser("user", help="accounts for the bureau's workspace at /staff")
    p.add_argument("user_command", choices=["add", "list", "disable", "reset"])
    p.add_argument("name", nargs="?")
    p.add_argument("--role", choices=["staff", "admin"], default="staff")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(run=_user)
    p = sub.add_parser("drafts", help="the bureau's drafts: purge old ones")
    p.add_argument("drafts_command", choices=["purge"])
    p.add_argument("--older-than", required=True, help="age such as 12m, 30d, 8w or 2y (not changed for that long)")
    p.set_defaults(run=_drafts)
    args = parser.parse_args(argv)
    if args.command == "eval" and args.eval_command is None and args.out is None:
        args.out = "eval-report"
    settings = Settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "chromadb", "bm25s", "sentence_transformers", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return args.run(settings, args)
    except WijzerError as exc:
        log.error("%s", exc)
        return 1


if __name__ == "__main__":
    sys.exit(main())
