"""The HTTP API: thin FastAPI routes over the service, with Dutch messages for bad requests."""


import importlib.util
import json
import logging
import secrets
import time
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Iterator

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from assistant.config import Settings
from assistant.errors import Unavailable
from assistant.database import Database
from assistant.feedback import Feedback, FeedbackStore
from assistant.guard import Guard, quiet_access_log
from assistant.models import Answer, Turn
from assistant.service import Service, build_service
from assistant.templates import Templates, unavailable_text
from assistant.usage import Usage

log = logging.getLogger(__name__)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    question: StrictStr = Field(description="De vraag, in het Nederlands (maximaal 2000 tekens).")
    history: list[Turn] | None = Field(default=None, description="Het gesprek tot nu toe, oudste beurt eerst.")

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("empty")
        return value


class ChatMessage(BaseModel):
    role: str = Field(description="'system', 'user' of 'assistant'")
    content: StrictStr


# Swagger UI's files, as the fastapi-offline package ships them (only its files are used).
SWAGGER_UI = Path(importlib.util.find_spec("fastapi_offline").origin).parent / "static"

_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

MODEL_ID = "wethouderswijzer"  # the one model /v1/models lists
STARTED = int(time.time())


class ChatRequest(BaseModel):
    """The OpenAI chat-completions request; the last user message is the question."""

    model_config = ConfigDict(extra="ignore")

    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False


def _chat_payload(answer: Answer, model: str) -> dict:
    """The answer in OpenAI's format; the assistant's own object rides along under 'wijzer'."""
    return {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "created": int(time.time()), "model": model,
            "object": "chat.completion",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": answer.answer}}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "wijzer": answer.model_dump(mode="json")}


def _dutch(errors: list[dict], max_chars: int) -> str:
    """One Dutch sentence per problem, naming the field."""
    messages = []
    for error in errors:
        field = ".".join(str(p) for p in error.get("loc", []) if p != "body") or "verzoek"
        kind = error.get("type", "")
        if kind == "json_invalid":
            messages.append("Het verzoek is geen geldige JSON.")
        elif kind == "missing":
            messages.append(f"Het veld '{field}' ontbreekt.")
        elif kind in ("string_type", "string_too_short") or kind.endswith("_type"):
            messages.append(f"Het veld '{field}' heeft een verkeerd type; verwacht wordt tekst of een lijst zoals beschreven in /docs.")
        elif kind == "value_error" and field == "question":
            messages.append("De vraag is leeg. Typ een vraag.")
        elif kind == "too_long":
            messages.append(f"De vraag is te lang: maximaal {max_chars} tekens.")
        elif kind == "no_user_message":
            messages.append("Er staat geen vraag van de gebruiker (role 'user') in 'messages'.")
        else:
            messages.append(f"Het veld '{field}' is ongeldig.")
    return " ".join(dict.fromkeys(messages))


# What the HTTP errors that do not come from a route of ours say, in Dutch; the generic English texts of
# FastAPI and Starlette ("Not Found") never reach a user.
_HTTP_ERRORS = {
    400: "Het verzoek kon niet worden gelezen. Stuur JSON zoals beschreven in /docs.",
    401: "Toegang geweigerd: meld u eerst aan.",
    403: "Toegang geweigerd.",
    404: "Dit adres bestaat niet.",
    405: "Deze methode kan op dit adres niet.",
    406: "Dit antwoordformaat kan niet worden geleverd.",
    415: "Dit soort inhoud wordt hier niet aangenomen. Stuur JSON zoals beschreven in /docs.",
}


def _http_error(status: int, path: str) -> str:
    text = _HTTP_ERRORS.get(status, f"Het verzoek kon niet worden verwerkt (HTTP {status}).")
    if path.startswith(("/api", "/v1")) and "/docs" not in text:
        text += " De API staat beschreven op /docs."
    return text


def every_route(routes):
    """Every route, also those of an included router (FastAPI keeps the workspace's router as one entry)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        yield from every_route(inner.routes) if inner is not None else (route,)


def create_app(settings: Settings | None = None, service: Service | None = None, with_ui: bool = True) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from assistant.staff.web import Workspace

        quiet_access_log()
        app.state.service = service or build_service(settings)
        db = Database.open(settings)
        app.state.feedback = FeedbackStore(db)
        app.state.usage = Usage(db, settings.timezone)
        app.state.staff = Workspace.build(settings, app.state.service, db, app.state.feedback, app.state.usage)
        yield
        db.engine.dispose()

    templates = Templates(settings.prompts_dir)
    replaced_notice = templates.render("replaced")

    app = FastAPI(
        title="Wethouderswijzer",
        description="Antwoorden voor wethouders uit de documenten van de Wethoudersvereniging, met bronnen.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served below from the fastapi-offline package: the pages load nothing from elsewhere
        redoc_url=None,
    )

    def get_service(request: Request) -> Service:
        return request.app.state.service

    ServiceDep = Annotated[Service, Depends(get_service)]

    def ask_counted(request: Request, question: str, history: list[Turn] | None) -> Answer:
        """A wethouder's question answered and counted (route and reason only; see assistant.usage)."""
        answer = request.app.state.service.ask(question, history)
        request.app.state.usage.record(answer)
        return answer

    def streamed(request: Request, question: str, history: list[Turn] | None) -> Iterator[tuple[str, str | Answer]]:
        """The events of Service.stream, counted at the end. The question is routed and retrieved before
        this returns, so a missing index is still a 503 and not a broken stream."""
        events = request.app.state.service.stream(question, history)
        first = next(events)

        def counted():
            yield first
            for kind, value in events:
                if kind == "answer":
                    request.app.state.usage.record(value)
                yield kind, value

        return counted()

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": _dutch(exc.errors(), settings.max_question_chars)})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Only FastAPI and Starlette raise these, with English details ("There was an error parsing the body").
        return JSONResponse({"detail": _http_error(exc.status_code, request.url.path)}, status_code=exc.status_code,
                            headers=exc.headers)

    @app.exception_handler(Unavailable)
    async def _unavailable(request: Request, exc: Unavailable) -> Response:
        """The index not built, the Chroma server or the database out of reach: 503 with what is wrong, in
        Dutch, and (unless only the database is) where a person can be reached meanwhile."""
        log.error("%s %s: %s", request.method, request.url.path, exc)
        text = unavailable_text(templates, exc, settings.contact.model_dump())
        if request.url.path.startswith("/staff"):  # a page, or a form sent from one
            return request.app.state.staff_pages.TemplateResponse(
                request, "error.html", {"account": None, "t": request.app.state.staff.texts, "notice": "", "error": text},
                status_code=503, headers={"Retry-After": "30"})
        return JSONResponse(status_code=503, content={"detail": text}, headers={"Retry-After": "30"})

    def _check_length(body: AskRequest) -> None:
        if len(body.question) > settings.max_question_chars:
            raise RequestValidationError([{"type": "too_long", "loc": ("body", "question"), "msg": "too long"}])

    @app.post("/api/ask", response_model=Answer, summary="Stel een vraag")
    def ask(body: AskRequest, request: Request) -> Answer:
        _check_length(body)
        return ask_counted(request, body.question, body.history)

    @app.post("/api/ask/stream", summary="Stel een vraag; het antwoord komt als server-sent events")
    def ask_stream(body: AskRequest, request: Request) -> StreamingResponse:
        """Events: `delta` ({"text"}: the next piece), `replace` ({"text", "notice"}: what was streamed failed
        the check against the documents; this whole text stands instead) and last `answer` (the object of
        POST /api/ask)."""
        _check_length(body)
        events = streamed(request, body.question, body.history)

        def sse():
            for kind, value in events:
                if kind == "answer":
                    yield f"event: answer\ndata: {value.model_dump_json()}\n\n"
                else:
                    data = {"text": value} | ({"notice": replaced_notice} if kind == "replace" else {})
                    yield f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"

        return StreamingResponse(sse(), media_type="text/event-stream")

    @app.get("/health", summary="Status en omvang van de index")
    def health(svc: ServiceDep) -> JSONResponse:
        """200 and the index's counts; 503 while the Chroma server (server mode) cannot be reached."""
        if svc.index.reachable():
            return JSONResponse({"status": "ok", **svc.index.stats()})
        log.warning("the Chroma server at %s cannot be reached; questions are answered from the index in memory",
                    settings.chroma_url)
        return JSONResponse({"status": "unavailable", **svc.index.stats(),
                             "detail": templates.render("unavailable_store")}, status_code=503)

    @app.get("/api/documents", summary="De documenten in de index")
    def documents(svc: ServiceDep) -> list[dict]:
        return [
            {"id": e.doc_id, "title": e.title, "source": e.source, "kind": e.kind, "publisher": e.publisher,
             "date": e.date, "chunks": e.chunks}
            for e in svc.index.documents()
        ]

    @app.get("/v1/models", summary="OpenAI-compatibel: de modellen die /v1/chat/completions kent")
    def models() -> dict:
        # OpenAI clients (Open WebUI and others) ask this first; the assistant answers as one model.
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": STARTED,
                                            "owned_by": "wethoudersvereniging"}]}

    @app.post("/v1/chat/completions", summary="OpenAI-compatibel: de laatste gebruikersvraag beantwoord")
    def chat_completions(body: ChatRequest, request: Request):
        last = max((i for i, m in enumerate(body.messages) if m.role == "user"), default=None)
        if last is None:
            raise RequestValidationError([{"type": "no_user_message", "loc": ("body", "messages"), "msg": "no user"}])
        question = body.messages[last].content
        if not question.strip():
            raise RequestValidationError([{"type": "value_error", "loc": ("body", "question"), "msg": "empty"}])
        _check_length(AskRequest(question=question))
        history = [Turn(role=m.role, content=m.content) for m in body.messages[:last] if m.role in ("user", "assistant")]
        if not body.stream:
            return _chat_payload(ask_counted(request, question, history), body.model)
        events = streamed(request, question, history)
        base = {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "created": int(time.time()), "model": body.model,
                "object": "chat.completion.chunk"}

        def chunk(delta: dict, finish: str | None = None, **extra) -> str:
            data = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
            return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

        def sse():
            yield chunk({"role": "assistant"})
            for kind, value in events:
                if kind == "delta":
                    yield chunk({"content": value})
                elif kind == "replace":  # an OpenAI client cannot take text back: it is told, and given the checked answer
                    yield chunk({"content": f"\n\n---\n\n_{replaced_notice}_\n\n{value}"})
                else:
                    yield chunk({}, "stop", wijzer=value.model_dump(mode="json"))
            yield "data: [DONE]\n\n"

        return StreamingResponse(sse(), media_type="text/event-stream")

    @app.post("/api/feedback", status_code=201, summary="Geef feedback op een antwoord")
    def feedback(body: Feedback, request: Request) -> dict:
        return {"id": request.app.state.feedback.add(body)}

    app.mount("/docs-assets", StaticFiles(directory=SWAGGER_UI), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url, title="Wethouderswijzer API",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="data:,",
                                   swagger_ui_parameters={"validatorUrl": None})

    from assistant.staff.web import install

    install(app, settings)

    @app.api_route("/api/{rest:path}", methods=_ALL_METHODS, include_in_schema=False)
    @app.api_route("/v1/{rest:path}", methods=_ALL_METHODS, include_in_schema=False)
    @app.api_route("/staff/{rest:path}", methods=_ALL_METHODS, include_in_schema=False)
    def unknown(request: Request, rest: str):
        """Whatever /api, /v1 and /staff do not hold: 405 when the address exists for another method, else 404
        (and not the chat page's, which is mounted at / and would answer instead)."""
        allowed = set()
        for route in every_route(request.app.router.routes):
            if route is not request.scope.get("route") and route.matches(request.scope)[0] is Match.PARTIAL:
                allowed |= getattr(route, "methods", set()) or set()
        if allowed:
            raise StarletteHTTPException(405, headers={"Allow": ", ".join(sorted(allowed))})
        raise StarletteHTTPException(404)

    if settings.chat_token:
        guard_chat(app, settings.chat_token)
    if with_ui:
        from assistant.ui import mount

        app = mount(app, settings, lambda: app.state.service, lambda: app.state.feedback,
                    lambda answer: app.state.usage.record(answer))
    app.add_middleware(Guard, settings=settings)  # outermost: size and rate limits, security headers
    return app


CHAT_COOKIE = "wijzer_chat"


def guard_chat(app: FastAPI, token: str) -> None:
    """With WIJZER_CHAT_TOKEN set, the chat and its API need the shared token: `?token=` once (kept in a
    cookie), the cookie, or an `Authorization: Bearer` header. /staff has its own logins; /health stays open."""

    @app.middleware("http")
    async def _chat_token(request: Request, call_next):
        path = request.url.path
        if path.startswith("/staff") or path == "/health":
            return await call_next(request)
        given = request.query_params.get("token") or request.cookies.get(CHAT_COOKIE) or ""
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            given = header[7:].strip()
        if not secrets.compare_digest(given.encode(), token.encode()):
            if path.startswith(("/api", "/v1")):
                return JSONResponse({"detail": "Toegang geweigerd: een geldige toegangscode is nodig."}, status_code=401)
            return HTMLResponse(_CHAT_LOCKED, status_code=401)
        if "token" in request.query_params:  # keep it in a cookie, and out of the address bar and history
            response = RedirectResponse(request.url.remove_query_params("token"), status_code=303)
            response.set_cookie(CHAT_COOKIE, token, httponly=True, samesite="lax", max_age=30 * 24 * 3600,
                                secure=request.url.scheme == "https")
            return response
        return await call_next(request)


_CHAT_LOCKED = """<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Wethouderswijzer</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36em; margin: 2em auto; padding: 0 1em">
<h1>Wethouderswijzer</h1><p>Deze pagina is alleen toegankelijk met de link die u van de Wethoudersvereniging kreeg.
Open die link opnieuw, of neem contact op met het bureau.</p></body></html>"""
