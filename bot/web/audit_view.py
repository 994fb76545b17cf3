"""The audit trail for the page and its CSV export: filtered by point, delegation and kind."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass

from bot.web.access import Viewer, WebStore
from bot.web.texts import iso_utc, local_time, say, zone_name
from drafting.model import AuditEntry


@dataclass(frozen=True)
class AuditLine:
    at_utc: str
    at_local: str
    platform: str
    user_id: str
    person: str
    delegation: str
    kind: str
    kind_label: str
    point: str
    detail: Mapping[str, str]


@dataclass(frozen=True)
class AuditFilter:
    point: str = ""
    delegation: str = ""
    kind: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> AuditFilter:
        return cls(*(query.get(k, "").strip()[:200] for k in ("point", "delegation", "kind")))


@dataclass(frozen=True)
class AuditView:
    lines: list[AuditLine]
    points: list[str]
    delegations: list[str]
    kinds: list[tuple[str, str]]  # (kind, label)
    chosen: AuditFilter


async def audit_view(store: WebStore, viewer: Viewer, chosen: AuditFilter) -> AuditView:
    meeting = viewer.meeting
    lang, tz = meeting.language, zone_name(meeting)
    delegations = {d.id: d.name for d in await store.delegations(meeting.id)}
    members = {(m.user.platform, m.user.user_id): m for m in await store.members(meeting.id)}
    labels = {p.id: p.label for p in await store.points(meeting.id)}
    lines: list[AuditLine] = []
    for entry in await store.audit_log(meeting.id):
        member = members.get((entry.platform, entry.user_id))
        own = delegations.get(member.delegation_id or -1, "") if member else ""
        lines.append(
            AuditLine(
                at_utc=iso_utc(entry.at),
                at_local=local_time(entry.at, tz),
                platform=entry.platform,
                user_id=entry.user_id,
                person=(member.user.display_name if member else "") or entry.user_id,
                delegation=own or entry.detail.get("delegation", ""),
                kind=entry.action,
                kind_label=_kind_label(lang, entry),
                point=labels.get(entry.point_id, "") if entry.point_id is not None else "",
                detail=entry.detail,
            )
        )
    kinds = sorted({(line.kind, line.kind_label) for line in lines}, key=lambda k: k[1].casefold())
    points = sorted({line.point for line in lines if line.point}, key=_label_order)
    shown = [line for line in lines if _matches(line, chosen)]
    return AuditView(shown, points, sorted(set(delegations.values())), kinds, chosen)


def _kind_label(lang: str, entry: AuditEntry) -> str:
    """The chat's wording for the kind where it has one ("Adoptado", "aprueba"), else the kind."""
    for key in (f"audit.{entry.action}", f"stance.{entry.action}"):
        label = say(lang, key, label=entry.detail.get("label", ""))
        if label != key:
            return label
    return entry.action


def _label_order(label: str) -> tuple[int, str]:
    number, _, letter = label.partition(".")
    return (int(number) if number.isdigit() else 0, letter)


def _matches(line: AuditLine, chosen: AuditFilter) -> bool:
    if chosen.point and line.point != chosen.point and line.point.partition(".")[0] != chosen.point:
        return False
    if chosen.delegation and chosen.delegation not in (line.delegation, line.detail.get("delegation", "")):
        return False
    return not chosen.kind or line.kind == chosen.kind


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    # A spreadsheet runs a cell starting with = + - @ as a formula; texts are user input.
    return "'" + value if value.startswith(_FORMULA) else value


def audit_csv(view: AuditView) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["at_utc", "at_local", "platform", "user_id", "person", "delegation", "kind", "point", "detail"]
    )
    for line in view.lines:
        detail = json.dumps(dict(line.detail), ensure_ascii=False, sort_keys=True)
        writer.writerow(
            [
                _cell(v)
                for v in (
                    line.at_utc,
                    line.at_local,
                    line.platform,
                    line.user_id,
                    line.person,
                    line.delegation,
                    line.kind,
                    line.point,
                    detail,
                )
            ]
        )
    # A byte-order mark so Excel opens accented names as UTF-8.
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
