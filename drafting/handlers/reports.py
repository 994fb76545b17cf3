"""Reading the meeting back: status lists, a point's history, drafts, the final report."""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import datetime
from pathlib import PurePath
from typing import NoReturn

from drafting import brackets
from drafting.cards import STANCE_MARK, build_card, state_label
from drafting.commands import BY_NAME
from drafting.handlers import documents
from drafting.handlers.attendance import attending
from drafting.handlers.positions import ad_referendum_notes
from drafting.i18n import catalogue
from drafting.meeting_fields import key_word
from drafting.model import Delegation, DelegationKind, MeetingState, Point, PointState
from drafting.ports import StoredDocument
from drafting.replies import Document, PointCard, Text
from drafting.report.builder import build_report
from drafting.report.formats import get_format
from drafting.report.history import snapshot
from drafting.report.model import Report
from drafting.report.render import render_document, render_preview
from drafting.report.template import ReportTemplate, TemplateError, load_template
from drafting.textdiff import Segment, clip, condense, console, diff
from drafting.timezones import meeting_zone, short_moment
from drafting.turn import Turn
from drafting.usage import help_text

log = logging.getLogger("drafting")

STATE_MARK = {
    PointState.OPEN: "💬",
    PointState.SILENCE: "🤫",
    PointState.AD_REFERENDUM: "🟡",
    PointState.ADOPTED: "✅",
    PointState.WITHDRAWN: "↩️",
}


# What the bot itself does to a point, shown in its history beside the commands declared `history`.
HISTORY_EVENTS = frozenset(
    {"adopted", "silence_failed", "adopted_ad_referendum", "ad_referendum_lapsed", "reopened"}
)


def _short(text: str, limit: int = 90) -> str:
    first = " ".join(text.split())
    return first if len(first) <= limit else first[: limit - 1] + "…"


async def help_(turn: Turn) -> None:
    turn.send(Text(help_text(turn.lang, turn.ctx.prefix, turn.member, turn.meeting)))


async def items(turn: Turn) -> None:
    meeting = turn.need_meeting()
    points = sorted(await turn.store.points(meeting.id), key=lambda p: (p.number, p.letter))
    if not points:
        turn.reply("items.none", prefix=turn.ctx.prefix)
        return
    lines = [turn.say("items.header", title=meeting.title)]
    counts: dict[PointState, int] = {}
    zone = meeting_zone(meeting).zone
    for p in points:
        if p.is_sub:
            if p.state is not PointState.WITHDRAWN:
                lines.append(f"    {p.letter}. {_short(p.text, 70)}")
            continue
        counts[p.state] = counts.get(p.state, 0) + 1
        lines.append(f"{STATE_MARK[p.state]} {p.label}. {_short(p.text)} — {state_label(p, turn.lang, zone)}")
    lines.append("")
    lines.append(
        turn.say(
            "items.summary",
            adopted=counts.get(PointState.ADOPTED, 0),
            open=sum(
                counts.get(s, 0) for s in (PointState.OPEN, PointState.SILENCE, PointState.AD_REFERENDUM)
            ),
            withdrawn=counts.get(PointState.WITHDRAWN, 0),
        )
    )
    turn.send(Text("\n".join(lines)))


async def item(turn: Turn) -> None:
    point = await turn.resolve(turn.cmd.ref)
    top = point if point.parent_id is None else await turn.store.point(point.parent_id)
    assert top is not None
    card = await build_card(turn.store, top.id, turn.lang)
    assert card is not None
    marked = [*_card_segments(card), Segment("same", "\n\n" + turn.say("item.history"))]
    members = {m.id: m for m in await turn.store.members(point.meeting_id)}
    delegations = {d.id: d.name for d in await turn.store.delegations(point.meeting_id)}

    def who(member_id: int, delegation_id: int | None) -> str:
        """The delegation the act was made for (a later move of its author changes nothing), else
        the person, who then spoke in a role of their own."""
        if delegation_id is not None:
            return delegations.get(delegation_id, "?")
        m = members.get(member_id)
        if m is None:
            return "?"
        return m.user.display_name or m.user.user_id

    events: list[tuple[str, str | list[Segment]]] = []
    for a in await turn.store.amendments(point.id):
        status = turn.say(f"amendment.{a.status}")
        # what it changes in the text it was proposed on (an open one: in the text as it stands)
        base = point.text if a.status == "open" else a.base
        changes = clip(condense(diff(base, a.text)), 400) if base else [Segment("same", _short(a.text, 400))]
        # the line's words around its changes, which each platform marks its own way
        before, _, after = turn.say(
            "item.amendment_numbered",
            number=a.number,
            who=who(a.member_id, a.delegation_id),
            status=status,
            changes="\x00",
        ).partition("\x00")
        events.append((a.at.isoformat(), [Segment("same", before), *changes, Segment("same", after)]))
    for c in await turn.store.comments(point.id):
        events.append(
            (
                c.at.isoformat(),
                turn.say("item.comment", who=who(c.member_id, c.delegation_id), text=_short(c.text, 200)),
            )
        )
    for pos in await turn.store.position_history(top.id):
        mark = STANCE_MARK[pos.stance]
        reason = f": {pos.reason}" if pos.reason else ""
        stance = "approve_ad_referendum" if pos.ad_referendum else pos.stance.value
        events.append(
            (
                pos.at.isoformat(),
                f"{mark} {delegations.get(pos.delegation_id, '?')} — {turn.say('stance.' + stance)}{reason}",
            )
        )
    for entry in await turn.store.audit_log(point.meeting_id, point.id):
        spec = BY_NAME.get(entry.action)
        if entry.action == "accept" and entry.detail.get("number"):
            number, old = entry.detail["number"], _short(entry.detail.get("old", ""), 300)
            events.append((entry.at.isoformat(), turn.say("item.accepted_text", number=number, old=old)))
        elif entry.action == "reject":
            events.append(
                (entry.at.isoformat(), turn.say("item.rejected", number=entry.detail.get("number", "")))
            )
        elif entry.action in HISTORY_EVENTS or (spec is not None and spec.history):
            events.append(
                (
                    entry.at.isoformat(),
                    turn.say(f"audit.{entry.action}", label=entry.detail.get("label", point.label)),
                )
            )
    zone = meeting_zone(turn.meeting).zone
    for at, text in sorted(events, key=lambda e: e[0]):
        marked.append(Segment("same", f"\n{short_moment(datetime.fromisoformat(at), zone)}  "))
        marked.extend([Segment("same", text)] if isinstance(text, str) else text)
    turn.send(Text(console(marked), marked=tuple(marked)), point_id=top.id)


def _card_segments(card: PointCard) -> list[Segment]:
    """The card as `PointCard.as_text` writes it, with its amendments' changes as segments."""
    head, middle, tail = card.parts()
    out = [Segment("same", head)]
    if card.amendments:
        for amendment in card.amendments:
            out.append(Segment("same", "\n\n" + amendment.heading + "\n"))
            out.extend(amendment.changes)
    elif middle:
        out.append(Segment("same", "\n\n" + middle))
    if tail:
        out.append(Segment("same", "\n" + tail))
    return out


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:40] or "informe"


def _missing_fields(turn: Turn) -> list[str]:
    """The meeting data the document prints and does not have yet.

    Every format prints the place and the date; a format may need more (the informe names the network
    in its opening paragraph and lead-in; a programa or a mesas report does not need one).
    """
    meeting = turn.need_meeting()
    extra = {"network": meeting.network}
    needed = [(k, extra[k]) for k in get_format(meeting.format).needs if k in extra]
    needed.append(("place", meeting.place))
    missing = [k for k, v in needed if not v]
    if meeting.dates is None:
        missing.append("date")
    return [key_word(k, turn.lang) for k in missing]


async def _build(turn: Turn, *, final: bool) -> tuple[Report, ReportTemplate, list[Point], list[Delegation]]:
    meeting = turn.need_meeting()
    missing = _missing_fields(turn)
    if missing:
        turn.refuse("error.meeting_incomplete", keys=", ".join(missing), prefix=turn.ctx.prefix)
    try:
        template = await documents.with_word_template(turn, load_template(meeting.format, turn.templates))
    except TemplateError as error:
        _refuse_template(turn, error)
    delegations = await turn.store.delegations(meeting.id)
    points = await turn.store.points(meeting.id)
    try:
        notes = await ad_referendum_notes(turn, points)
        report = build_report(
            meeting,
            delegations,
            points,
            final=final,
            template=template,
            now=turn.now,
            notes=notes,
            attending=(await attending(turn.store, meeting.id))[0],
        )
    except TemplateError as error:
        _refuse_template(turn, error)
    return report, template, points, delegations


async def _render(turn: Turn, *, final: bool) -> tuple[bytes, str, int]:
    report, template, points, _ = await _build(turn, final=final)
    adopted = sum(1 for p in points if not p.is_sub and p.state is PointState.ADOPTED)
    try:
        preview = render_preview(report, template=template)
        return render_document(report, template), preview, adopted
    except TemplateError as error:
        _refuse_template(turn, error)


def _refuse_template(turn: Turn, error: TemplateError) -> NoReturn:
    """A broken template is refused like bad input: the meeting's language, file, key and problem.

    The chat reads the file's name only (the server's folders are no business of the meeting's
    members); the operator's log has the whole path."""
    log.error("report template: %s", error, extra={"meeting": turn.meeting.id if turn.meeting else None})
    name = PurePath(error.file).name if error.file else "?"
    problem = error.problem
    if error.code and f"template.{error.code}" in catalogue(turn.lang):
        problem = turn.say(f"template.{error.code}", **error.params)
    if error.key:
        turn.refuse("error.template", file=name, key=error.key, problem=problem)
    turn.refuse("error.template_file", file=name, problem=problem)


async def compile_(turn: Turn) -> None:
    """A new draft version, posted to every chat of the meeting; `compile redline` adds the .docx with
    tracked changes against the last circulated draft, `compile pdf` posts the draft as a PDF."""
    meeting = turn.need_meeting()
    option = turn.cmd.text
    previous = await turn.store.last_circulation(meeting.id)
    meeting.draft_version += 1
    report, template, points, delegations = await _build(turn, final=False)
    content = render_document(report, template)
    await turn.store.save_meeting(meeting)
    name = f"{_slug(meeting.title)}-{turn.say('report.draft_word')}-v{meeting.draft_version}.docx"
    await turn.store.save_document(
        StoredDocument(meeting.id, "draft", meeting.draft_version, name, content, turn.now)
    )
    # kept as the report lists them: a draft rebuilt from it names the same participants
    present = (await attending(turn.store, meeting.id))[0]
    listed = [d for d in delegations if d.kind is DelegationKind.OBSERVER or d.id in present]
    await turn.store.save_circulation(snapshot(meeting, listed, points, turn.now))
    await turn.audit("compile", version=meeting.draft_version, bytes=len(content))
    adopted = sum(1 for p in points if not p.is_sub and p.state is PointState.ADOPTED)
    total = sum(1 for p in points if not p.is_sub and p.state is not PointState.WITHDRAWN)
    caption = turn.say("report.draft_caption", version=meeting.draft_version, adopted=adopted, total=total)
    changes = documents.changes_since(turn, previous, points)
    if changes:
        caption += "\n\n" + changes
    preview = render_preview(report, template=template)
    if option == "pdf":
        pdf = await documents.to_pdf(turn, name, content)
        pdf_caption = turn.say("documents.pdf_caption", caption=caption)
        await turn.broadcast(Document(documents.pdf_name(name), pdf, pdf_caption, preview))
        return
    await turn.broadcast(Document(name, content, caption, preview))
    if option != "redline":
        return
    if previous is None:
        turn.reply("documents.redline_first", prefix=turn.ctx.prefix)
        return
    marked = await documents.redline(turn, previous, report, template, points, delegations)
    if marked is None:
        turn.reply("documents.redline_unsupported", format=meeting.format)
        return
    redline_name = name.removesuffix(".docx") + f"-{turn.say('documents.redline_word')}.docx"
    redline_caption = turn.say(
        "documents.redline_caption",
        version=meeting.draft_version,
        previous=previous.version,
        date=documents.circulated_on(turn, previous),
    )
    await turn.broadcast(Document(redline_name, marked, redline_caption))


async def finalize(turn: Turn) -> None:
    meeting = turn.need_meeting()
    every = await turn.store.points(meeting.id)
    tops = [p for p in every if not p.is_sub]
    bracketed = _open_brackets(every)
    if bracketed:
        turn.refuse("error.open_brackets", list=bracketed, prefix=turn.ctx.prefix)
    pending: list[Point] = [p for p in tops if p.state not in (PointState.ADOPTED, PointState.WITHDRAWN)]
    if pending:
        zone = meeting_zone(meeting).zone
        labels = ", ".join(f"{p.label} ({state_label(p, turn.lang, zone)})" for p in pending[:20])
        turn.refuse("error.not_all_adopted", labels=labels, count=len(pending))
    if not any(p.state is PointState.ADOPTED for p in tops):
        turn.refuse("error.nothing_adopted")
    content, _preview, adopted = await _render(turn, final=True)
    name = f"{_slug(meeting.title)}-final.docx"
    meeting.state = MeetingState.FINAL
    await turn.store.save_meeting(meeting)
    await turn.store.save_document(
        StoredDocument(meeting.id, "final", meeting.draft_version, name, content, turn.now)
    )
    await turn.audit("finalize", points=adopted, bytes=len(content))
    await turn.broadcast(Text(turn.say("report.finalized", count=adopted, prefix=turn.ctx.prefix)))


def _open_brackets(points: list[Point]) -> str:
    """ "3: [1: A / B]; 4.a: [1: C]" — the live points and sub-points that still hold a bracket, shown
    numbered as `resolve` needs them; empty when there is none."""
    withdrawn = {p.id for p in points if p.state is PointState.WITHDRAWN}
    found: list[str] = []
    for point in sorted(points, key=lambda p: (p.number, p.letter)):
        if point.id in withdrawn or point.parent_id in withdrawn:
            continue
        try:
            marks = [f"[{b.number}: {' / '.join(b.options)}]" for b in brackets.find(point.text)]
        except brackets.BracketError:
            continue  # unreadable, so never adopted: the not-adopted refusal names it
        if marks:
            found.append(f"{point.label}: {' '.join(marks)}")
    return "; ".join(found)


async def download(turn: Turn) -> None:
    meeting = turn.need_meeting()
    if meeting.state is not MeetingState.FINAL:
        turn.refuse("error.not_final", prefix=turn.ctx.prefix)
    document = await turn.store.final_document(meeting.id)
    if document is None:
        turn.refuse("error.not_final", prefix=turn.ctx.prefix)
    caption = turn.say("report.final_caption", title=meeting.title)
    if turn.cmd.text == "pdf":
        pdf = await documents.to_pdf(turn, document.filename, document.content)
        await turn.audit("download", format="pdf", bytes=len(pdf))
        turn.send(
            Document(
                documents.pdf_name(document.filename), pdf, turn.say("documents.pdf_caption", caption=caption)
            )
        )
        return
    await turn.audit("download", bytes=len(document.content))
    turn.send(Document(document.filename, document.content, caption))
