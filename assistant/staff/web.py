"""The bureau's workspace at /staff: server-rendered pages (FastAPI + Jinja2) over the same Service.

Every route but the login page and the style sheet requires a signed-in account (`Depends(staff)` or
`Depends(admin)`); every form carries the session's CSRF token. Pages hold the Dutch words; refusals
and notices come from prompts/staff.yaml.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import yaml
from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, Request, UploadFile
from fastapi import Path as InPath
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from assistant.config import Settings
from assistant.database import Database
from assistant.errors import Refused
from assistant.feedback import FeedbackStore
from assistant.models import Citation
from assistant.retrieval import retrieve
from assistant.service import Service
from assistant.sentences import split
from assistant.staff.accounts import Account, Accounts
from assistant.staff.audit import AuditLog
from assistant.staff.documents import KINDS, SUFFIXES, Documents
from assistant.staff.drafts import EDITABLE, STATUSES, STEPS, TOPICS, Drafts, Filters, sources_of
from assistant.staff.export import docx_bytes, email_text, where
from assistant.staff.overview import overview, plot_png
from assistant.usage import Usage

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "wijzer_staff"
LOGIN_CSRF_COOKIE = "wijzer_login_csrf"
# What a staff page may load: itself only. Plots are data: images, scripts and styles are files of ours.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def same_token(given: str, expected: str) -> bool:
    """A constant-time comparison that any text may be given to (compare_digest refuses non-ASCII str)."""
    return secrets.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))


class NotSignedIn(Exception):
    """No valid session: pages send the browser to the login page."""


class Forbidden(Exception):
    """Signed in, but the route needs another role or the form's CSRF token is wrong."""

    def __init__(self, code: str):
        self.code = code


@dataclass
class Workspace:
    """The workspace's parts, built once at start-up on the app's database and service."""

    settings: Settings
    service: Service
    db: Database
    accounts: Accounts
    drafts: Drafts
    documents: Documents
    audit: AuditLog
    feedback: FeedbackStore
    usage: Usage
    texts: dict

    @classmethod
    def build(cls, settings: Settings, service: Service, db: Database, feedback: FeedbackStore, usage: Usage) -> Workspace:
        texts = yaml.safe_load((settings.prompts_dir / "staff.yaml").read_text(encoding="utf-8"))
        return cls(settings, service, db,
                   Accounts(db, settings.session_hours, settings.login_max_failures, settings.login_window_minutes),
                   Drafts(db, texts["changes"]), Documents(settings, db, lambda: service.index), AuditLog(db),
                   feedback, usage, texts)

    def refusal(self, exc: Refused) -> str:
        return self.texts["refused"].get(exc.code, exc.code).format(**exc.values)


def _workspace(request: Request) -> Workspace:
    return request.app.state.staff


Ws = Annotated[Workspace, Depends(_workspace)]
# Form fields: handlers are plain functions (FastAPI runs them in its thread pool, off the event loop),
# and a missing field is an empty one.
FormText = Annotated[str, Form()]
# A row id in an address: what the databases can hold (a larger number is a 422, not a database error).
RowId = Annotated[int, InPath(ge=1, le=2**63 - 1)]


def staff(request: Request, ws: Ws) -> Account:
    """The signed-in account (staff or admin); a POST must carry its CSRF token."""
    account = ws.accounts.account(request.cookies.get(SESSION_COOKIE))
    if account is None:
        raise NotSignedIn()
    request.state.account = account
    return account


async def checked(request: Request, account: Annotated[Account, Depends(staff)]) -> Account:
    """A signed-in account posting a form of this site: the form's csrf field matches the session's."""
    form = await request.form()
    if not same_token(str(form.get("csrf", "")), account.csrf):
        raise Forbidden("csrf")
    return account


def admin(account: Annotated[Account, Depends(staff)]) -> Account:
    if not account.is_admin:
        raise Forbidden("forbidden")
    return account


async def checked_admin(account: Annotated[Account, Depends(checked)]) -> Account:
    if not account.is_admin:
        raise Forbidden("forbidden")
    return account


Staff = Annotated[Account, Depends(staff)]
StaffPost = Annotated[Account, Depends(checked)]
Admin = Annotated[Account, Depends(admin)]

GUARDS = (staff, checked, admin, checked_admin)


class _Blank(dict):
    """Values for a message's {placeholders}; one that a redirect cannot carry is left empty."""

    def __missing__(self, key: str) -> str:
        return ""


def _back(url: str, notice: str = "", error: str = "") -> RedirectResponse:
    params = {k: v for k, v in (("melding", notice), ("fout", error)) if v}
    joiner = "&" if "?" in url else "?"
    return RedirectResponse(url + (joiner + urlencode(params) if params else ""), status_code=303)


def _cookie_secure(settings: Settings, request: Request) -> bool:
    return settings.cookie_secure if settings.cookie_secure is not None else request.url.scheme == "https"


def _pages(settings: Settings) -> Jinja2Templates:
    pages = Jinja2Templates(directory=HERE / "templates")
    zone = ZoneInfo(settings.timezone)
    pages.env.filters["local"] = lambda dt: (dt.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).strftime("%d-%m-%Y %H:%M")
                                             if dt else "")
    pages.env.globals.update(where=where)
    return pages


def build_router(settings: Settings, pages: Jinja2Templates) -> APIRouter:
    router = APIRouter(prefix="/staff", include_in_schema=False)

    def render(request: Request, ws: Workspace, template: str, status_code: int = 200, **context) -> HTMLResponse:
        account = getattr(request.state, "account", None)
        notice = ws.texts["notice"].get(request.query_params.get("melding", ""), "")
        given = context.pop("error", "")
        error = ws.texts["refused"].get(request.query_params.get("fout", ""), "").format_map(
            _Blank(limit=settings.max_question_chars)) or given
        return pages.TemplateResponse(request, template, {"account": account, "t": ws.texts, "notice": notice,
                                                          "error": error, **context}, status_code=status_code)

    # -- signing in ---------------------------------------------------------------------------------
    def login_form(request: Request, ws: Workspace, next: str, status_code: int = 200, **context) -> HTMLResponse:
        """The login page with a fresh double-submit CSRF token, in the form and in a cookie."""
        token = secrets.token_urlsafe(32)
        response = render(request, ws, "login.html", status_code=status_code, csrf=token,
                          next=next if next.startswith("/staff") else "/staff/drafts", **context)
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/staff",
                            secure=_cookie_secure(settings, request))
        return response

    @router.get("/login")
    def login_page(request: Request, ws: Ws, next: str = "/staff/drafts") -> HTMLResponse:
        return login_form(request, ws, next)

    @router.post("/login")
    def login(request: Request, ws: Ws, name: FormText = "", password: FormText = "", csrf: FormText = "",
              next: FormText = "") -> Response:
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        target = next if next.startswith("/staff") else "/staff/drafts"
        if not expected or not same_token(csrf, expected):
            return _back("/staff/login", error="csrf")
        name = name.strip()
        address = request.client.host if request.client else "unknown"
        try:
            token, account = ws.accounts.login(name, password, address)
        except Refused as exc:
            ws.audit.add(name or "?", "login.failed" if exc.code == "login_failed" else "login.throttled", address)
            return login_form(request, ws, target, status_code=429 if exc.code == "login_throttled" else 401,
                              error=ws.refusal(exc), name=name)
        ws.audit.add(account.name, "login", address)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(SESSION_COOKIE, token, max_age=int(settings.session_hours * 3600), httponly=True,
                            samesite="strict", path="/staff", secure=_cookie_secure(settings, request))
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/staff")
        return response

    @router.post("/logout")
    def logout(request: Request, ws: Ws, account: StaffPost) -> Response:
        ws.accounts.logout(request.cookies.get(SESSION_COOKIE))
        ws.audit.add(account.name, "logout")
        response = _back("/staff/login", "logged_out")
        response.delete_cookie(SESSION_COOKIE, path="/staff")
        return response

    @router.get("")
    @router.get("/")
    def home(account: Staff) -> Response:
        return RedirectResponse("/staff/drafts", status_code=303)

    # -- drafts -------------------------------------------------------------------------------------
    @router.get("/drafts")
    def drafts_page(request: Request, ws: Ws, account: Staff, q: str = "", status: str = "", author: str = "",
                    topic: str = "", since: str = "", until: str = "") -> HTMLResponse:
        error = ""
        try:
            for value in (since, until):
                if value:
                    date.fromisoformat(value)
        except ValueError:
            error, since, until = ws.texts["refused"]["bad_date"], "", ""
        filters = Filters(text=q, status=status if status in STATUSES else "", author=author,
                          topic=topic if topic in TOPICS else "", since=since, until=until)
        return render(request, ws, "drafts.html", drafts=ws.drafts.search(filters), filters=filters,
                      statuses=STATUSES, topics=TOPICS, authors=[u.name for u in ws.accounts.list()],
                      error=error, limit=settings.max_question_chars)

    @router.post("/drafts")
    def create_draft(ws: Ws, account: StaffPost, question: FormText = "", member_name: FormText = "",
                     municipality: FormText = "") -> Response:
        question = question.strip()
        if not question:
            return _back("/staff/drafts", error="question_empty")
        if len(question) > settings.max_question_chars:
            return _back("/staff/drafts", error="question_too_long")
        answer = ws.service.ask(question)
        draft_id = ws.drafts.create(account, question, answer, member_name[:200], municipality[:200])
        return _back(f"/staff/drafts/{draft_id}", "created")

    @router.get("/drafts/{draft_id}")
    def draft_page(request: Request, ws: Ws, account: Staff, draft_id: RowId, zoek: str = "") -> HTMLResponse:
        draft = ws.drafts.get(draft_id)
        ws.audit.add(account.name, "draft.view", f"draft {draft_id}")  # who read a member's question
        found = []
        if zoek.strip():
            found = retrieve(ws.service.index, zoek.strip()[: settings.max_question_chars], settings).passages
        return render(request, ws, "draft.html", draft=draft, sources=sources_of(draft), found=found, zoek=zoek,
                      steps=[s for s, (source, _) in STEPS.items() if source == draft.status],
                      editable=draft.status in EDITABLE, topics=TOPICS)

    @router.post("/drafts/{draft_id}/edit")
    def edit_draft(ws: Ws, account: StaffPost, draft_id: RowId, answer: FormText = "",
                   keep: Annotated[list[str], Form()] = [], topic: FormText = "") -> Response:
        changed = ws.drafts.edit(account, draft_id, answer, keep=[int(n) for n in keep if n.isdigit()],
                                 topic=topic or None)
        return _back(f"/staff/drafts/{draft_id}", "saved" if changed else "unchanged")

    @router.post("/drafts/{draft_id}/sources")
    def add_source(ws: Ws, account: StaffPost, draft_id: RowId, chunk_id: FormText = "") -> Response:
        """Add a passage found in the documents as a source, quoted word for word (its first sentences)."""
        chunk = next((c for c in ws.service.index.chunks() if c.chunk_id == chunk_id), None)
        if chunk is None:
            return _back(f"/staff/drafts/{draft_id}", error="document_not_found")
        quote_text = " ".join(s.text for s in split(chunk.text)[:3]).strip() or chunk.text[:400]
        draft = ws.drafts.get(draft_id)
        ws.drafts.edit(account, draft_id, draft.answer, add=[Citation(n=0, document=chunk.doc.title, source=chunk.doc.source,
                                                                      page=chunk.page, section=chunk.section,
                                                                      quote=quote_text)])
        return _back(f"/staff/drafts/{draft_id}", "source_added")

    @router.post("/drafts/{draft_id}/step")
    def step_draft(ws: Ws, account: StaffPost, draft_id: RowId, step: FormText = "", note: FormText = "") -> Response:
        ws.drafts.step(account, draft_id, step, note)
        return _back(f"/staff/drafts/{draft_id}", step)

    @router.post("/drafts/{draft_id}/delete")
    def delete_draft(ws: Ws, account: StaffPost, draft_id: RowId) -> Response:
        ws.drafts.delete(account, draft_id)
        return _back("/staff/drafts", "deleted")

    @router.get("/drafts/{draft_id}/email.txt")
    def export_email(ws: Ws, account: Staff, draft_id: RowId) -> PlainTextResponse:
        draft = ws.drafts.get(draft_id)
        ws.audit.add(account.name, "draft.export", f"draft {draft_id}", "email")
        text = email_text(ws.service.templates, draft.answer, sources_of(draft),
                          draft.member_name or ws.texts["email_greeting_default"], account.name)
        return PlainTextResponse(text, headers={"Content-Disposition": f'attachment; filename="antwoord-{draft_id}.txt"'})

    @router.get("/drafts/{draft_id}/antwoord.docx")
    def export_docx(ws: Ws, account: Staff, draft_id: RowId) -> Response:
        draft = ws.drafts.get(draft_id)
        ws.audit.add(account.name, "draft.export", f"draft {draft_id}", "docx")
        data = docx_bytes(draft.question[:120].splitlines()[0], draft.answer, sources_of(draft), ws.texts["docx_sources"])
        return Response(data, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        headers={"Content-Disposition": f'attachment; filename="antwoord-{draft_id}.docx"'})

    # -- documents ----------------------------------------------------------------------------------
    @router.get("/documents")
    def documents_page(request: Request, ws: Ws, account: Staff) -> HTMLResponse:
        return render(request, ws, "documents.html", documents=ws.service.index.documents(), jobs=ws.documents.jobs(),
                      kinds=KINDS, suffixes=SUFFIXES, limit=settings.max_upload_mb, uploads="uploads/")

    @router.post("/documents")
    def upload_document(request: Request, ws: Ws, account: StaffPost, tasks: BackgroundTasks,
                        file: Annotated[UploadFile | None, File()] = None, title: FormText = "", kind: FormText = "",
                        date: FormText = "", replaces: FormText = "") -> Response:
        if file is None or not file.filename:
            return _back("/staff/documents", error="upload_missing")
        data = file.file.read(settings.max_upload_mb * 1024 * 1024 + 1)  # one byte over the limit is enough to know
        try:
            job_id = ws.documents.upload(account, file.filename, data, title, kind, date, replaces=replaces or None)
        except Refused as exc:
            return render(request, ws, "documents.html", status_code=422, error=ws.refusal(exc),
                          documents=ws.service.index.documents(), jobs=ws.documents.jobs(), kinds=KINDS,
                          suffixes=SUFFIXES, limit=settings.max_upload_mb, uploads="uploads/")
        tasks.add_task(ws.documents.run, job_id)
        return _back(f"/staff/documents?job={job_id}", "uploaded")

    @router.get("/documents/jobs/{job_id}")
    def job_progress(ws: Ws, account: Staff, job_id: RowId) -> JSONResponse:
        job = ws.documents.job(job_id)
        if job is None:
            return JSONResponse({"detail": ws.texts["refused"]["document_not_found"]}, status_code=404)
        return JSONResponse({"id": job.id, "status": job.status, "label": ws.texts["jobs"][job.status],
                             "done": job.done, "total": job.total, "message": job.message, "doc_id": job.doc_id})

    @router.get("/document")
    def document_page(request: Request, ws: Ws, account: Staff, id: str) -> HTMLResponse:
        entry = next((e for e in ws.service.index.documents() if e.doc_id == id), None)
        if entry is None:
            raise Refused("document_not_found", id)
        return render(request, ws, "document.html", entry=entry, chunks=ws.documents.chunks(id),
                      removable=entry.source.startswith("uploads/"), kinds=KINDS, suffixes=SUFFIXES,
                      limit=settings.max_upload_mb)

    @router.post("/documents/remove")
    def remove_document(ws: Ws, account: StaffPost, doc_id: FormText = "") -> Response:
        ws.documents.remove(account, doc_id)
        return _back("/staff/documents", "removed")

    # -- feedback -----------------------------------------------------------------------------------
    @router.get("/feedback")
    def feedback_page(request: Request, ws: Ws, account: Staff) -> HTMLResponse:
        return render(request, ws, "feedback.html", items=list(reversed(ws.feedback.all(rating="down"))))

    @router.post("/feedback/{feedback_id}/question")
    def feedback_to_question(ws: Ws, account: StaffPost, feedback_id: RowId) -> Response:
        from eval.feedback_import import append_draft

        item = ws.feedback.get(feedback_id)
        if item is None:
            raise Refused("feedback_not_found", str(feedback_id))
        append_draft(item, settings.data_dir / "feedback-drafts.yaml")
        ws.feedback.mark_converted(feedback_id)
        ws.audit.add(account.name, "feedback.question", f"feedback {feedback_id}")
        return _back(f"/staff/feedback#f{feedback_id}", "question_made")

    @router.get("/feedback/questions.yaml")
    def feedback_questions(ws: Ws, account: Staff) -> Response:
        path = settings.data_dir / "feedback-drafts.yaml"
        text = path.read_text(encoding="utf-8") if path.exists() else "drafts: []\n"
        return PlainTextResponse(text, media_type="application/yaml",
                                 headers={"Content-Disposition": 'attachment; filename="feedback-drafts.yaml"'})

    # -- overview and administration -----------------------------------------------------------------
    @router.get("/overview")
    def overview_page(request: Request, ws: Ws, account: Staff) -> HTMLResponse:
        data = overview(ws.db, ws.usage, ws.drafts, settings.timezone)
        plot = plot_png(data, ws.texts["routes"], ws.texts["plot_title"]) if data.days else ""
        reasons = sorted({r for counts in data.reasons.values() for r in counts})
        return render(request, ws, "overview.html", data=data, plot=plot, reasons=reasons, statuses=STATUSES)

    @router.get("/audit")
    def audit_page(request: Request, ws: Ws, account: Admin, page: int = 1, user: str = "", action: str = "") -> HTMLResponse:
        entries, total = ws.audit.entries(max(page, 1), 100, user, action)
        return render(request, ws, "audit.html", entries=entries, total=total, page=max(page, 1), user=user, action=action)

    @router.get("/users")
    def users_page(request: Request, ws: Ws, account: Admin) -> HTMLResponse:
        return render(request, ws, "users.html", users=ws.accounts.list())

    return router


def install(app, settings: Settings) -> None:
    """Mount the workspace on the app: its routes, its style sheet, its error pages and security headers."""
    pages = _pages(settings)
    app.state.staff_pages = pages
    app.include_router(build_router(settings, pages))
    app.mount("/staff/static", StaticFiles(directory=HERE / "static"), name="staff-static")

    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.method == "GET":
            return RedirectResponse(f"/staff/login?next={quote(request.url.path)}", status_code=303)
        return PlainTextResponse(request.app.state.staff.texts["refused"]["not_signed_in"], status_code=401)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        log.warning("staff request refused (%s): %s %s", exc.code, request.method, request.url.path)
        return PlainTextResponse(request.app.state.staff.texts["refused"][exc.code], status_code=403)

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> Response:
        ws = request.app.state.staff
        status = 404 if exc.code.endswith("not_found") else 409
        back = request.headers.get("referer", "") if request.method == "POST" else ""
        if back.startswith(str(request.base_url)) and "/staff/" in back:
            return _back(back.split("?")[0].removeprefix(str(request.base_url).rstrip("/")), error=exc.code)
        if request.method == "GET":
            return request.app.state.staff_pages.TemplateResponse(
                request, "error.html", {"account": getattr(request.state, "account", None), "t": ws.texts,
                                        "notice": "", "error": ws.refusal(exc)}, status_code=status)
        return PlainTextResponse(ws.refusal(exc), status_code=status)

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        if request.url.path.startswith("/staff"):
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
        return response
