"""Who is looking: a one-time link becomes a server-side session; every request checks it and the
member's current role, so a member removed or moved in chat is out at the next request."""

from __future__ import annotations

import enum
import hmac
import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from aiohttp import web

from drafting.commands import BY_NAME
from drafting.model import Amendment, AuditEntry, Meeting, MeetingState, Member
from drafting.panel import (
    AUDIT_ROLES,
    SESSION_TTL,
    DocumentInfo,
    LinkProblem,
    PanelLink,
    WebSession,
    check_link,
    new_secret,
    secret_hash,
)
from drafting.permissions import permission
from drafting.ports import Store, StoredDocument

_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


class WebStore(Store, Protocol):
    """The core's store plus the page's records (`storage.panel_store.PanelRecords`)."""

    async def panel_link(self, token_hash: str) -> PanelLink | None: ...
    async def spend_panel_link(self, token_hash: str, at: datetime) -> bool: ...
    async def add_web_session(self, session_hash: str, session: WebSession, at: datetime) -> None: ...
    async def web_session(self, session_hash: str, at: datetime) -> WebSession | None: ...
    async def revoke_web_session(self, session_hash: str, at: datetime) -> None: ...
    async def change_stamp(self, meeting_id: int) -> str: ...
    async def documents(self, meeting_id: int) -> list[DocumentInfo]: ...
    async def document(self, meeting_id: int, document_id: int) -> StoredDocument | None: ...
    async def open_amendments(self, meeting_id: int) -> list[Amendment]: ...


class WebStoreFactory(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[WebStore]: ...

    def read(self) -> AbstractAsyncContextManager[WebStore]:
        """For the pages that only read: does not wait for writers (storage.store)."""
        ...


class Denied(enum.Enum):
    """Why a request is turned away; each maps to a status and an explanation page."""

    NOT_FOUND = "not_found"
    NO_SESSION = "no_session"
    NOT_MEMBER = "not_member"
    NOT_ALLOWED = "not_allowed"
    BAD_FORM = "bad_form"

    @property
    def status(self) -> int:
        return {"not_found": 404, "no_session": 401, "bad_form": 400}.get(self.value, 403)


@dataclass(frozen=True)
class Refused:
    """A request turned away, with the language to say why in."""

    why: Denied
    lang: str = "es"


@dataclass(frozen=True)
class Viewer:
    meeting: Meeting
    member: Member
    session: WebSession

    @property
    def sees_audit(self) -> bool:
        return self.member.role in AUDIT_ROLES

    @property
    def gets_final(self) -> bool:
        """The final .docx: the same roles as `download` in chat, once the report is final."""
        allowed = permission(BY_NAME["download"], self.member, self.meeting).allowed
        return allowed and self.meeting.state is MeetingState.FINAL


def cookie_name(meeting_id: int) -> str:
    return f"draftbot_m{meeting_id}"


async def enter(
    store: WebStore, meeting_id: int, token: str, now: datetime
) -> tuple[str, WebSession] | LinkProblem | Denied:
    """Spends a link and opens a session; returns the cookie's secret and the session. On any problem
    nothing is written."""
    if await store.meeting(meeting_id) is None:
        return Denied.NOT_FOUND
    if not _TOKEN.fullmatch(token):
        return LinkProblem.UNKNOWN
    token_hash = secret_hash(token)
    link = await store.panel_link(token_hash)
    problem = check_link(link, meeting_id, now)
    if problem is not None:
        return problem
    assert link is not None
    if await store.member(meeting_id, link.user) is None:
        return Denied.NOT_MEMBER
    if not await store.spend_panel_link(token_hash, now):
        return LinkProblem.USED  # another worker opened it a moment ago
    secret = new_secret()
    session = WebSession(meeting_id, link.user, new_secret(), now + SESSION_TTL)
    await store.add_web_session(secret_hash(secret), session, now)
    await store.audit(AuditEntry(meeting_id, "web_login", link.user.platform, link.user.user_id, now))
    return secret, session


async def viewer(store: WebStore, request: web.Request, meeting_id: int, now: datetime) -> Viewer | Refused:
    meeting = await store.meeting(meeting_id)
    if meeting is None:
        return Refused(Denied.NOT_FOUND)
    secret = request.cookies.get(cookie_name(meeting_id), "")
    if not secret:
        return Refused(Denied.NO_SESSION, meeting.language)
    session = await store.web_session(secret_hash(secret), now)
    if session is None or session.meeting_id != meeting_id:
        return Refused(Denied.NO_SESSION, meeting.language)
    member = await store.member(meeting_id, session.user)
    if member is None:
        return Refused(Denied.NOT_MEMBER, meeting.language)
    return Viewer(meeting, member, session)


def csrf_ok(viewer: Viewer, sent: str) -> bool:
    return bool(sent) and hmac.compare_digest(viewer.session.csrf, sent)


def session_secret(request: web.Request, meeting_id: int) -> str:
    return request.cookies.get(cookie_name(meeting_id), "")


Clock = Callable[[], datetime]
