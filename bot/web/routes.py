"""The meeting's web page on the process's one HTTP server: `/m/<meeting>/…`.

Every handler reads in one short transaction: the meeting, the session, the member's current role,
then what the page shows. Nothing is cached between requests, so several workers behind one address
serve the same page and a change made through any of them shows on the next poll.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from importlib import resources
from urllib.parse import quote

from aiohttp import web

from bot.http import Handler
from bot.web.access import (
    Denied,
    Refused,
    Viewer,
    WebStore,
    WebStoreFactory,
    cookie_name,
    csrf_ok,
    enter,
    session_secret,
    viewer,
)
from bot.web.audit_view import AuditFilter, audit_csv, audit_view
from bot.web.config import WebConfig
from bot.web.render import SECURITY_HEADERS, fragment, html
from bot.web.texts import say
from bot.web.views import is_final, meeting_view
from drafting.model import AuditEntry
from drafting.panel import SESSION_TTL, LinkProblem, secret_hash

STATIC = {"panel.css": "text/css", "panel.js": "text/javascript"}
_LINK_STATUS = {
    LinkProblem.UNKNOWN: 403,
    LinkProblem.OTHER_MEETING: 403,
    LinkProblem.USED: 410,
    LinkProblem.EXPIRED: 410,
}
_DENIED_TEXT = {
    Denied.NOT_FOUND: "problem.not_found",
    Denied.NO_SESSION: "problem.no_session",
    Denied.NOT_MEMBER: "problem.not_member",
    Denied.NOT_ALLOWED: "problem.not_allowed",
    Denied.BAD_FORM: "problem.bad_form",
}


class WebPages:
    def __init__(self, stores: WebStoreFactory, config: WebConfig, clock: Callable[[], datetime]) -> None:
        self.stores = stores
        self.config = config
        self.clock = clock

    def routes(self) -> list[tuple[str, str, Handler]]:
        m = "/m/{meeting:[0-9]{1,9}}"
        return [
            ("GET", m + "/t/{token}", self.open_link),
            ("GET", m, self.page),
            ("GET", m + "/live", self.live),
            ("GET", m + "/documents/{document:[0-9]{1,9}}", self.download),
            ("GET", m + "/audit", self.audit),
            ("GET", m + "/audit.csv", self.audit_export),
            ("POST", m + "/logout", self.logout),
            ("GET", "/web/static/{name}", self.static),
        ]

    # ---- signing in and out ----

    async def open_link(self, request: web.Request) -> web.StreamResponse:
        meeting_id = int(request.match_info["meeting"])
        now = self.clock()
        async with self.stores.transaction() as store:
            meeting = await store.meeting(meeting_id)
            result = await enter(store, meeting_id, request.match_info["token"], now)
        lang = meeting.language if meeting is not None else "es"
        if isinstance(result, LinkProblem):
            return _problem(lang, f"problem.{result.value}", _LINK_STATUS[result])
        if isinstance(result, Denied):
            return _denied(lang, result)
        secret, _session = result
        response = web.Response(status=303, headers={**SECURITY_HEADERS, "Location": f"/m/{meeting_id}"})
        response.set_cookie(
            cookie_name(meeting_id),
            secret,
            path=f"/m/{meeting_id}",
            max_age=int(SESSION_TTL.total_seconds()),
            httponly=True,
            samesite="Lax",
            secure=self.config.secure_cookies,
        )
        return response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        meeting_id = int(request.match_info["meeting"])
        form = await request.post()
        async with self.stores.transaction() as store:
            seen = await viewer(store, request, meeting_id, self.clock())
            if isinstance(seen, Refused):
                return _refused(seen)
            if not csrf_ok(seen, str(form.get("csrf", ""))):
                return _denied(seen.meeting.language, Denied.BAD_FORM, seen.meeting.id)
            await store.revoke_web_session(secret_hash(session_secret(request, meeting_id)), self.clock())
        response = _problem(seen.meeting.language, "problem.signed_out", 200)
        response.del_cookie(cookie_name(meeting_id), path=f"/m/{meeting_id}")
        return response

    # ---- the meeting ----

    async def page(self, request: web.Request) -> web.StreamResponse:
        meeting_id = int(request.match_info["meeting"])
        now = self.clock()
        async with self.stores.read() as store:
            seen = await viewer(store, request, meeting_id, now)
            if isinstance(seen, Refused):
                return _refused(seen)
            stamp = await store.change_stamp(meeting_id)
            view = await meeting_view(store, seen, now, stamp)
        return html("meeting.html", v=view, lang=view.lang)

    async def live(self, request: web.Request) -> web.StreamResponse:
        """The changing part of the page, only when something changed since `v`."""
        meeting_id = int(request.match_info["meeting"])
        now = self.clock()
        async with self.stores.read() as store:
            seen = await viewer(store, request, meeting_id, now)
            if isinstance(seen, Refused):
                body = {"denied": seen.why.value}
                return web.json_response(body, status=seen.why.status, headers=SECURITY_HEADERS)
            stamp = await store.change_stamp(meeting_id)
            if stamp == request.query.get("v", ""):
                return web.Response(status=204, headers=SECURITY_HEADERS)
            view = await meeting_view(store, seen, now, stamp)
        body = {"v": stamp, "html": fragment("live.html", v=view, lang=view.lang)}
        return web.json_response(body, headers=SECURITY_HEADERS)

    async def download(self, request: web.Request) -> web.StreamResponse:
        meeting_id = int(request.match_info["meeting"])
        now = self.clock()
        async with self.stores.transaction() as store:
            seen = await viewer(store, request, meeting_id, now)
            if isinstance(seen, Refused):
                return _refused(seen)
            document = await store.document(meeting_id, int(request.match_info["document"]))
            if document is None:
                return _denied(seen.meeting.language, Denied.NOT_FOUND, seen.meeting.id)
            if is_final(document.kind) and not seen.gets_final:
                return _denied(seen.meeting.language, Denied.NOT_ALLOWED, seen.meeting.id)
            user = seen.member.user
            await store.audit(
                AuditEntry(
                    meeting_id,
                    "web_download",
                    user.platform,
                    user.user_id,
                    now,
                    detail={"file": document.filename, "bytes": str(len(document.content))},
                )
            )
        kind = _PDF if document.filename.lower().endswith(".pdf") else _DOCX
        return await _stream(request, document.content, document.filename, kind)

    # ---- the audit trail ----

    async def audit(self, request: web.Request) -> web.StreamResponse:
        meeting_id = int(request.match_info["meeting"])
        async with self.stores.read() as store:
            seen = await self._auditor(store, request, meeting_id)
            if isinstance(seen, web.Response):
                return seen
            view = await audit_view(store, seen, AuditFilter.from_query(request.query))
        lang = seen.meeting.language
        query = request.query_string
        return html("audit.html", a=view, lang=lang, meeting=seen.meeting, query=query)

    async def audit_export(self, request: web.Request) -> web.StreamResponse:
        meeting_id = int(request.match_info["meeting"])
        async with self.stores.read() as store:
            seen = await self._auditor(store, request, meeting_id)
            if isinstance(seen, web.Response):
                return seen
            view = await audit_view(store, seen, AuditFilter.from_query(request.query))
        name = f"audit-meeting-{meeting_id}.csv"
        return await _stream(request, audit_csv(view), name, "text/csv; charset=utf-8")

    async def _auditor(self, store: WebStore, request: web.Request, meeting_id: int) -> Viewer | web.Response:
        seen = await viewer(store, request, meeting_id, self.clock())
        if isinstance(seen, Refused):
            return _refused(seen)
        if not seen.sees_audit:
            return _denied(seen.meeting.language, Denied.NOT_ALLOWED, seen.meeting.id)
        return seen

    # ---- helpers ----

    async def static(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in STATIC:
            raise web.HTTPNotFound()
        body = resources.files("bot.web").joinpath("static", name).read_bytes()
        headers = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=300"}
        return web.Response(body=body, content_type=STATIC[name], headers=headers)


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_PDF = "application/pdf"


async def _stream(
    request: web.Request, content: bytes, filename: str, content_type: str
) -> web.StreamResponse:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    response = web.StreamResponse(
        headers={
            **SECURITY_HEADERS,
            "Content-Type": content_type,
            "Content-Disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
            ),
        }
    )
    response.content_length = len(content)
    await response.prepare(request)
    for start in range(0, len(content), 64 * 1024):
        await response.write(content[start : start + 64 * 1024])
    await response.write_eof()
    return response


def _problem(lang: str, key: str, status: int, back: int | None = None) -> web.Response:
    """An explanation page: how to get a new link, or (for a page the role does not open) the way
    back to the meeting."""
    return html(
        "problem.html", status=status, lang=lang, message=say(lang, key), status_code=status, back=back
    )


def _refused(refused: Refused) -> web.Response:
    return _denied(refused.lang, refused.why)


def _denied(lang: str, denied: Denied, back: int | None = None) -> web.Response:
    return _problem(lang, _DENIED_TEXT[denied], denied.status, back)
