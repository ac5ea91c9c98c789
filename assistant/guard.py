"""What every request passes before the app sees it: a size limit enforced before the body is read, a rate
limit per client, and security headers on every response.

A pure ASGI middleware, so that a request over the size limit is refused on its Content-Length header alone,
and one without that header (chunked) is cut off as soon as it has sent one byte too many.
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass, field

from assistant.config import Settings
from assistant.templates import Templates

log = logging.getLogger(__name__)

# No page loads anything from another origin. The chat page (Gradio) runs inline scripts and styles, and
# compiles the small scripts of its event handlers at run time (eval); /docs (Swagger UI) runs one inline
# script. The API answers data only: nothing in it may run. The bureau's workspace sets a stricter policy of
# its own (assistant/staff/web.py), which is kept.
_OWN = ("default-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        "media-src 'self' blob:; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'; style-src 'self' 'unsafe-inline'; ")
CHAT_POLICY = _OWN + "script-src 'self' 'unsafe-inline' 'unsafe-eval'"
DOCS_POLICY = _OWN + "script-src 'self' 'unsafe-inline'"
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_DATA_PREFIXES = ("/api", "/v1", "/health", "/openapi.json")
_DOCS_PREFIXES = ("/docs",)


def content_security_policy(path: str) -> str:
    if path.startswith(_DATA_PREFIXES):
        return DATA_POLICY
    if path.startswith(_DOCS_PREFIXES):
        return DOCS_POLICY
    return CHAT_POLICY


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
}
# Questions and answers are confidential: no cache along the way keeps them.
_NO_STORE_PREFIXES = ("/api", "/v1", "/gradio_api")
# Reading a page or its scripts is not limited; asking, logging in and uploading are.
_UNLIMITED_METHODS = {"GET", "HEAD", "OPTIONS"}
# The most clients remembered; past it, the ones not seen for longest are forgotten.
_MAX_CLIENTS = 10_000


@dataclass
class Bucket:
    tokens: float
    seen: float


@dataclass
class RateLimit:
    """A token bucket per client: `per_minute` requests a minute, with bursts of up to `burst`."""

    per_minute: int
    burst: int
    clients: dict[str, Bucket] = field(default_factory=dict)

    def wait(self, client: str, now: float) -> float:
        """0 when the client may go ahead (and a token is taken), else the seconds until it may."""
        if self.per_minute <= 0:
            return 0.0
        rate = self.per_minute / 60.0
        bucket = self.clients.get(client)
        if bucket is None:
            if len(self.clients) >= _MAX_CLIENTS:
                self._forget_oldest()
            bucket = self.clients[client] = Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.seen) * rate)
        bucket.seen = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / rate

    def _forget_oldest(self) -> None:
        oldest = sorted(self.clients.items(), key=lambda item: item[1].seen)[: len(self.clients) // 2]
        for client, _ in oldest:
            del self.clients[client]


class TooLarge(Exception):
    """The request body ran over its limit while it was being read."""


class Guard:
    """The outermost layer of the app (see assistant.api.create_app)."""

    def __init__(self, app, settings: Settings, clock=time.monotonic):
        self.app = app
        self.max_body = settings.max_request_kb * 1024
        # An upload to the bureau's workspace may be up to twice its own limit (plus the form around the file):
        # the workspace then names the file and says it is too large on its own page; beyond that it is cut off here.
        self.max_upload = 2 * settings.max_upload_mb * 1024 * 1024 + 1024 * 1024
        self.limit = RateLimit(settings.rate_limit_per_minute, settings.rate_limit_burst)
        self.clock = clock
        texts = Templates(settings.prompts_dir)
        self.too_large = texts.render("too_large", limit=f"{settings.max_request_kb} kB")
        self.too_large_upload = texts.render("too_large", limit=f"{settings.max_upload_mb} MB")
        self.too_many = texts.render("too_many")
        self.bad_length = texts.render("bad_request")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        send = self._with_headers(send, path)
        method = scope.get("method", "GET")
        if method not in _UNLIMITED_METHODS:
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = self.limit.wait(client, self.clock())
            if wait > 0:
                log.warning("rate limit: %s %s refused for a client over %d requests a minute",
                            method, path, self.limit.per_minute)
                return await self._refuse(scope, send, 429, self.too_many, {"retry-after": str(math.ceil(wait))})
        upload = method == "POST" and path == "/staff/documents"
        limit = self.max_upload if upload else self.max_body
        message = self.too_large_upload if upload else self.too_large
        length = _header(scope, b"content-length")
        if length is not None:
            if not length.isdigit():
                return await self._refuse(scope, send, 400, self.bad_length)
            if int(length) > limit:
                log.warning("request body of %s bytes refused for %s %s (limit %d)", length, method, path, limit)
                return await self._refuse(scope, send, 413, message)
        received = 0
        over = False  # the body ran over the limit: whatever the app answers then, the client gets a 413
        started = False

        async def counted_receive():
            nonlocal received, over
            event = await receive()
            if event["type"] == "http.request":
                received += len(event.get("body", b""))
                if received > limit:
                    over = True
                    raise TooLarge()  # FastAPI turns an error while reading a body into a 400; the 413 replaces it
            return event

        async def tracked_send(event):
            nonlocal started
            if over:
                return
            if event["type"] == "http.response.start":
                started = True
            await send(event)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except TooLarge:
            pass
        if over:
            log.warning("request body over %d bytes cut off for %s %s", limit, method, path)
            if not started:
                await self._refuse(scope, send, 413, message)

    @staticmethod
    def _with_headers(send, path: str):
        async def send_with_headers(event):
            if event["type"] == "http.response.start":
                headers = list(event.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = {"content-security-policy": content_security_policy(path), **SECURITY_HEADERS}
                if path.startswith(_NO_STORE_PREFIXES):
                    extra["cache-control"] = "no-store"
                headers += [(name.encode(), value.encode()) for name, value in extra.items()
                            if name.encode() not in present]
                event = {**event, "headers": headers}
            await send(event)

        return send_with_headers

    @staticmethod
    async def _refuse(scope, send, status: int, text: str, headers: dict[str, str] | None = None) -> None:
        """A short answer in Dutch: JSON for the API and scripts, a line of text for a browser."""
        accept = (_header(scope, b"accept") or "").lower()
        if "text/html" in accept:
            body, kind = text.encode(), "text/plain; charset=utf-8"
        else:
            body, kind = json.dumps({"detail": text}, ensure_ascii=False).encode(), "application/json"
        extra = [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", kind.encode()), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close"), *extra]})
        await send({"type": "http.response.body", "body": body})


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return None


class WithoutQuery(logging.Filter):
    """Access log lines without their query strings: the chat's ?token= and whatever a page puts in its
    address are nobody's business in a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        # uvicorn's access line: (client, method, path with query, HTTP version, status)
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def quiet_access_log() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, WithoutQuery) for f in access.filters):
        access.addFilter(WithoutQuery())
