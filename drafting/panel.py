"""The meeting's web page, as the core sees it: one-time links and who may see what.

A `panel` command gives the requester a link holding a random token. Only the token's SHA-256 is
stored, bound to that person and meeting, valid `LINK_TTL` and spent on first use: a copy of the
database lets nobody in, and a link forwarded after use opens nothing.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from drafting.model import Role, UserRef

LINK_TTL = timedelta(minutes=10)
SESSION_TTL = timedelta(hours=12)

# Who sees the audit trail and its export; everyone else in the meeting sees the read-only view.
AUDIT_ROLES = frozenset({Role.SECRETARIAT, Role.RAPPORTEUR, Role.CHAIR})


def new_secret() -> str:
    """A URL-safe random string with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class LinkProblem(enum.StrEnum):
    """Why a link did not open the page; each is a page that says how to get a new one."""

    UNKNOWN = "unknown"  # forged, mistyped, or never issued: 403
    OTHER_MEETING = "other_meeting"  # issued for another meeting: 403
    USED = "used"  # already opened once: 410
    EXPIRED = "expired"  # older than LINK_TTL: 410


@dataclass(frozen=True)
class PanelLink:
    """A stored link, as read back to be spent."""

    meeting_id: int
    user: UserRef
    expires_at: datetime
    used_at: datetime | None


def check_link(link: PanelLink | None, meeting_id: int, now: datetime) -> LinkProblem | None:
    if link is None:
        return LinkProblem.UNKNOWN
    if link.meeting_id != meeting_id:
        return LinkProblem.OTHER_MEETING
    if link.used_at is not None:
        return LinkProblem.USED
    if now >= link.expires_at:
        return LinkProblem.EXPIRED
    return None


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser for one person on one meeting; checked against membership on every request."""

    meeting_id: int
    user: UserRef
    csrf: str
    expires_at: datetime


@dataclass(frozen=True)
class DocumentInfo:
    """A stored document without its bytes, for listing."""

    id: int
    kind: str  # "draft" | "final"
    version: int
    filename: str
    size: int
    at: datetime
