"""The review app: a Starlette application over one output folder's database.

Pages: `/` the documents table (filters, search, sorting, pages), `/doc/<doc_id>` a document's
highlighted text and its flags with confirm / dismiss / note forms, `/export/confirmed.xlsx` and
`.csv` the confirmed findings of the documents the table shows.

Security: no script anywhere (a Content-Security-Policy forbids them); every piece of text goes
through Jinja2's autoescaping (the highlighted text is built by `report.highlighted_text`, which
escapes it); every POST carries a CSRF token bound to a cookie of the browser (HMAC with a secret
of this server process) and, when the browser sends an Origin, the same origin; the Host header
must name this machine when the app is bound to loopback (no DNS rebinding); with a password,
every request needs HTTP basic auth."""
from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from datetime import date
from hashlib import sha256
from pathlib import Path
from urllib.parse import quote, unquote, urlencode, urlsplit

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from ..report import KIND_COLOURS, SEVERITY_COLOURS, highlighted_text
from . import export
from .db import PAGE_SIZE, REVIEW_STATES, SORTS, Filters, ReviewStore
from .labels import label, labels, message

CSRF_COOKIE = "shequ_csrf"
REVIEWER_COOKIE = "shequ_reviewer"
MAX_NOTE = 4000
MAX_REVIEWER = 60
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
ACTIONS = {"confirm": "confirmed", "dismiss": "dismissed", "reopen": "open", "note": None}

_TEMPLATES = Path(__file__).parent / "templates"


class SecurityHeaders:
    """Adds the CSP and friends to every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(msg):
            if msg["type"] == "http.response.start":
                h = MutableHeaders(scope=msg)
                h["Content-Security-Policy"] = CSP
                h["X-Content-Type-Options"] = "nosniff"
                h["Referrer-Policy"] = "same-origin"
                h["X-Frame-Options"] = "DENY"
                h.setdefault("Cache-Control", "no-store")
            await send(msg)

        await self.app(scope, receive, send_with_headers)


class BasicAuth:
    """HTTP basic auth: any user name (it becomes the default reviewer), this password."""

    def __init__(self, app, password: str):
        self.app = app
        self.password = password.encode("utf-8")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        user = self._user(dict(scope["headers"]).get(b"authorization", b""))
        if user is None:
            response = HTMLResponse(f"<!DOCTYPE html><meta charset='utf-8'><p>{message('login')}</p>", 401,
                                    headers={"WWW-Authenticate": 'Basic realm="shequ", charset="UTF-8"'})
            return await response(scope, receive, send)
        scope["shequ.user"] = user
        await self.app(scope, receive, send)

    def _user(self, header: bytes) -> str | None:
        scheme, _, value = header.partition(b" ")
        if scheme.lower() != b"basic":
            return None
        try:
            user, sep, password = base64.b64decode(value.strip(), validate=True).partition(b":")
        except (binascii.Error, ValueError):
            return None
        if not sep or not hmac.compare_digest(password, self.password):
            return None
        return user.decode("utf-8", "replace")


def create_app(out_dir: str | Path, password: str | None = None, reviewer: str | None = None,
               allowed_hosts: list[str] | None = None, secret: bytes | None = None,
               page_size: int = PAGE_SIZE) -> Starlette:
    """The app over `out_dir/shequ.sqlite` (raises db.StoreMissing when there is none).
    `allowed_hosts`: the Host names accepted (default: this machine's loopback names);
    `page_size`: rows of the documents table per page."""
    store = ReviewStore(out_dir)
    secret = secret or secrets.token_bytes(32)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["time"] = export.display_time
    env.globals.update(label=label, labels=labels, KIND_COLOURS=KIND_COLOURS, SEVERITY_COLOURS=SEVERITY_COLOURS)
    templates = Jinja2Templates(env=env)

    def csrf_token(cookie: str) -> str:
        return hmac.new(secret, cookie.encode("utf-8"), sha256).hexdigest()

    def default_reviewer(request: Request) -> str:
        return unquote(request.cookies.get(REVIEWER_COOKIE, "")) or request.scope.get("shequ.user") or reviewer or ""

    def render(request: Request, name: str, context: dict, status: int = 200) -> Response:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        fresh = len(cookie) < 32
        if fresh:
            cookie = secrets.token_urlsafe(32)
        context = dict(context, csrf=csrf_token(cookie), reviewer=context.get("reviewer") or default_reviewer(request))
        response = templates.TemplateResponse(request, name, context, status_code=status)
        if fresh:
            response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="strict")
        return response

    def error_page(request: Request, text: str, status: int) -> Response:
        return render(request, "error.html", {"message": text}, status)

    def filters_of(request: Request) -> Filters:
        q = request.query_params
        f = Filters(**{k: q.get(k, "")[:200] for k in ("status", "place", "year", "check", "severity", "review", "q")})
        if f.review not in REVIEW_STATES:
            f.review = ""
        return f

    async def index(request: Request) -> Response:
        filters = filters_of(request)
        sort = request.query_params.get("sort", "source")
        sort = sort if sort in SORTS else "source"
        descending = request.query_params.get("dir") == "desc"
        try:
            page = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            page = 1
        docs, total = await run_in_threadpool(store.documents, filters, sort, descending, page, page_size)
        facets = await run_in_threadpool(store.facets)
        totals = await run_in_threadpool(store.totals)
        params = {k: v for k, v in request.query_params.items() if v and k != "page"}

        def url(**changes) -> str:
            p = dict(params, **{k: v for k, v in changes.items()})
            return "?" + urlencode({k: v for k, v in p.items() if v not in ("", None)})

        def sort_url(column: str) -> str:
            flip = "asc" if sort == column and descending else "desc" if sort == column else "asc"
            return url(sort=column, dir=flip, page="")

        export_query = urlencode({k: v for k, v in vars(filters).items() if v})
        return render(request, "index.html", {
            "docs": docs, "total": total, "facets": facets, "filters": filters, "totals": totals,
            "sort": sort, "descending": descending, "page": page, "pages": max(1, -(-total // page_size)),
            "url": url, "sort_url": sort_url, "review_states": REVIEW_STATES,
            "export_query": ("?" + export_query) if export_query else ""})

    async def document(request: Request, error: dict | None = None) -> Response:
        doc_id = request.path_params["doc_id"]
        found = await run_in_threadpool(store.document, doc_id)
        if found is None:
            return error_page(request, message("not_found"), 404)
        doc, sources = found
        figures = await run_in_threadpool(store.figures, doc_id)
        items = await run_in_threadpool(store.flags, doc_id)
        text = Markup(highlighted_text(doc, figures, [it.first for it in items]))  # escaped by the report module
        return render(request, "document.html", {
            "doc": doc, "sources": sources, "figures": figures, "items": items, "text": text,
            "error": {"key": "", "message": "", "note": "", "reviewer": "", **(error or {})}, "saved": request.query_params.get("saved", "")},
            400 if error else 200)

    async def review(request: Request) -> Response:
        doc_id = request.path_params["doc_id"]
        form = await request.form()
        cookie = request.cookies.get(CSRF_COOKIE, "")
        token = str(form.get("csrf", ""))
        if not cookie or not hmac.compare_digest(token, csrf_token(cookie)) or not _same_origin(request):
            return error_page(request, message("csrf"), 403)
        key, action = str(form.get("key", "")), str(form.get("action", ""))
        note = str(form.get("note", "")).strip()[:MAX_NOTE]
        who = " ".join(str(form.get("reviewer", "")).split())[:MAX_REVIEWER]
        items = await run_in_threadpool(store.flags, doc_id)
        item = next((it for it in items if it.key == key), None)
        problem = None
        if item is None:
            problem = "unknown_flag"
        elif action not in ACTIONS:
            problem = "unknown_action"
        elif not who:
            problem = "need_reviewer"
        elif action in ("dismiss", "note") and not note:
            problem = "need_reason"
        if problem:
            if item is None:
                return error_page(request, message(problem), 400)
            return await document(request, {"key": key, "message": message(problem), "note": note, "reviewer": who})
        decision = ACTIONS[action] or item.decision
        await run_in_threadpool(store.add_review, key, doc_id, item.first.check, decision, note, who)
        response = RedirectResponse(f"/doc/{quote(doc_id)}?saved={key}#k-{key}", status_code=303)
        response.set_cookie(REVIEWER_COOKIE, quote(who), httponly=True, samesite="strict", max_age=180 * 86400)
        return response

    async def export_confirmed(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in ("csv", "xlsx"):
            return error_page(request, message("not_found"), 404)
        findings = await run_in_threadpool(store.confirmed, filters_of(request))
        name = f"shequ-confirmed-{date.today():%Y%m%d}.{fmt}"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        if fmt == "csv":
            return Response(export.to_csv(findings), media_type="text/csv; charset=utf-8", headers=headers)
        body = await run_in_threadpool(export.to_xlsx, findings)
        return Response(body, headers=headers,
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    middleware = [Middleware(SecurityHeaders),
                  Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOOPBACK_HOSTS)]
    if password:
        middleware.append(Middleware(BasicAuth, password=password))
    routes = [
        Route("/", index),
        Route("/doc/{doc_id:str}", document),
        Route("/doc/{doc_id:str}/review", review, methods=["POST"]),
        Route("/export/confirmed.{fmt:str}", export_confirmed),
    ]

    async def not_found(request, exc):
        return error_page(request, message("not_found"), 404)

    app = Starlette(routes=routes, middleware=middleware, exception_handlers={404: not_found},
                    max_body_size=64 * 1024)
    app.state.store = store
    return app


def _same_origin(request: Request) -> bool:
    """False when the browser says the form came from another site (Origin header)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True  # older browsers and non-browser clients; the CSRF token still guards
    return urlsplit(origin).netloc == request.headers.get("host", "")
