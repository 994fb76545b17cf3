"""What the meeting page shows, read in one transaction and shaped for the templates.

Every text here is user input (point texts, reasons, names) and goes to the templates as plain
strings: Jinja's autoescaping is the only way anything reaches the HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.web.access import Viewer, WebStore
from bot.web.texts import iso_utc, local_time, remaining, say, zone_name
from drafting import brackets
from drafting.cards import participating
from drafting.model import DelegationKind, MeetingState, Point, PointState, Position, Stance
from drafting.panel import DocumentInfo
from drafting.textdiff import Segment, diff

# Marks any common font has (the chat's emoji are missing from many desktops' fonts).
MARK = {Stance.APPROVE: "✓", Stance.OBJECT: "✗", Stance.ABSTAIN: "–"}


@dataclass(frozen=True)
class Cell:
    mark: str  # ✅ ❌ ➖, or "" for none
    label: str  # "aprueba", "objeta", "pendiente", "ausente"
    css: str  # approve | object | abstain | none | absent
    reason: str = ""


@dataclass(frozen=True)
class Row:
    delegation: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class AmendmentView:
    who: str
    number: int
    changes: tuple[Segment, ...]  # the word-level diff against the point's text as it stands


@dataclass
class PointView:
    id: int
    label: str
    text: str
    state: str
    state_label: str
    proposer: str
    deadline_local: str = ""
    deadline_iso: str = ""
    deadline_left: str = ""
    amendments: list[AmendmentView] = field(default_factory=list)
    subpoints: list[PointView] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)


@dataclass
class MeetingView:
    lang: str
    title: str
    place: str
    dates: str
    final: bool
    zone: str
    stamp: str
    points: list[PointView]
    columns: list[str]  # point labels for the grid
    rows: list[Row]
    drafts: list[DocumentInfo]
    final_doc: DocumentInfo | None
    others: list[DocumentInfo]  # kinds this page does not know yet (redline, PDF), listed as they are
    viewer_name: str
    viewer_role: str
    sees_audit: bool
    gets_final: bool
    csrf: str
    meeting_id: int


def _order(p: Point) -> tuple[int, str]:
    return (p.number, p.letter)


async def meeting_view(store: WebStore, viewer: Viewer, now: datetime, stamp: str) -> MeetingView:
    meeting, lang = viewer.meeting, viewer.meeting.language
    delegations = await store.delegations(meeting.id)
    members = await store.members(meeting.id)
    points = sorted(await store.points(meeting.id), key=_order)
    positions = await store.positions_for_meeting(meeting.id)
    amendments = await store.open_amendments(meeting.id)
    documents = await store.documents(meeting.id)

    names = {d.id: d.name for d in delegations}
    people = {m.id: m.user.display_name or m.user.user_id for m in members}
    speaker = {m.id: names.get(m.delegation_id or -1) or people[m.id] for m in members}
    present = participating(delegations, members)
    countries = sorted((d for d in delegations if d.kind is DelegationKind.MEMBER), key=lambda d: d.name)
    stance = {(p.point_id, p.delegation_id): p for p in positions}
    tz = zone_name(meeting)

    views: dict[int, PointView] = {}
    tops: list[PointView] = []
    for point in points:
        view = PointView(
            id=point.id,
            label=point.label,
            text=brackets.numbered(point.text),  # open brackets as the cards show them: [1: A / B]
            state=point.state.value,
            state_label=say(lang, f"state.{point.state.value}"),
            proposer=names.get(point.proposer_delegation_id or -1)
            or people.get(point.proposer_member_id or -1, ""),
        )
        if point.state is PointState.SILENCE and point.silence_deadline is not None:
            view.deadline_local = local_time(point.silence_deadline, tz)
            view.deadline_iso = iso_utc(point.silence_deadline)
            view.deadline_left = remaining(point.silence_deadline, now, lang)
        views[point.id] = view
        if point.parent_id is None:
            tops.append(view)
            if point.state in (PointState.OPEN, PointState.SILENCE, PointState.AD_REFERENDUM):
                view.pending = [
                    d.name for d in countries if d.id in present and (point.id, d.id) not in stance
                ]
        elif point.parent_id in views and point.state is not PointState.WITHDRAWN:
            views[point.parent_id].subpoints.append(view)
    texts = {p.id: p.text for p in points}
    for amendment in amendments:
        if amendment.point_id in views:
            # the delegation it was made for, even if its author has moved since
            who = names.get(amendment.delegation_id or -1) or speaker.get(amendment.member_id, "")
            changes = tuple(diff(texts[amendment.point_id], amendment.text))
            views[amendment.point_id].amendments.append(AmendmentView(who, amendment.number, changes))

    columns = [v for v in tops if v.state != PointState.WITHDRAWN.value]
    rows = [
        Row(d.name, tuple(_cell(stance.get((c.id, d.id)), d.id in present, lang, tz) for c in columns))
        for d in countries
    ]
    drafts = [d for d in documents if d.kind == "draft"]
    finals = [d for d in documents if d.kind == "final"]
    others = [
        d
        for d in documents
        if d.kind not in ("draft", "final") and (viewer.gets_final or not is_final(d.kind))
    ]
    member = viewer.member
    return MeetingView(
        lang=lang,
        title=meeting.title,
        place=meeting.place,
        dates=_dates(meeting.dates.start.isoformat(), meeting.dates.end.isoformat()) if meeting.dates else "",
        final=meeting.state is MeetingState.FINAL,
        zone=tz,
        stamp=stamp,
        points=tops,
        columns=[c.label for c in columns],
        rows=rows,
        drafts=drafts,
        final_doc=finals[-1] if finals else None,
        others=others,
        viewer_name=member.user.display_name or names.get(member.delegation_id or -1) or member.user.user_id,
        viewer_role=say(lang, f"role.{member.role.value}"),
        sees_audit=viewer.sees_audit,
        gets_final=viewer.gets_final,
        csrf=viewer.session.csrf,
        meeting_id=meeting.id,
    )


def is_final(kind: str) -> bool:
    """A final document in any form (the .docx, a PDF of it): downloaded as `download` allows."""
    return "final" in kind


def _dates(start: str, end: str) -> str:
    return start if start == end else f"{start} – {end}"


def _cell(position: Position | None, present: bool, lang: str, tz: str) -> Cell:
    if position is not None:
        s = position.stance
        if s is Stance.APPROVE and position.until is not None:
            # subject to the capital's confirmation by that date
            until = say(lang, "stance.until", until=local_time(position.until, tz))
            return Cell(MARK[s], say(lang, "stance.approve_ad_referendum"), "approve", until)
        return Cell(
            MARK[s],
            say(lang, f"stance.{s.value}"),
            s.value,
            position.reason if s is Stance.OBJECT else "",
        )
    if present:
        return Cell("?", say(lang, "page.no_position"), "none")
    return Cell("—", say(lang, "page.absent"), "absent")
