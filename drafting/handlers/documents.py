"""Documents beside the clean draft: the redline, PDFs, the preview in chat and what changed.

"Circulated" means posted to the meeting's chats by `compile`: each compile keeps what its draft was
built from (`drafting.report.history.Circulation`), and the next one compares with it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from difflib import SequenceMatcher

from drafting.handlers.attendance import attending
from drafting.handlers.positions import ad_referendum_notes
from drafting.i18n import t
from drafting.model import Delegation, Point, PointState
from drafting.ports import ConversionFailed, ConversionUnavailable, StoredWordTemplate
from drafting.replies import Text
from drafting.report import word_template
from drafting.report.builder import build_report
from drafting.report.chat_text import for_chat
from drafting.report.formats import get_format
from drafting.report.history import CirculatedPoint, Circulation, restore
from drafting.report.model import History, Report, Revision
from drafting.report.render import render_document, render_preview
from drafting.report.template import ReportTemplate, load_template
from drafting.spanish import long_date
from drafting.turn import Turn


async def preview(turn: Turn) -> None:
    """The draft's text in the chat, as the document shows it (no new version, nothing stored)."""
    meeting = turn.need_meeting()
    points = await turn.store.points(meeting.id)
    if not points:
        turn.reply("documents.preview_empty", prefix=turn.ctx.prefix)
        return
    template = await with_word_template(turn, load_template(meeting.format, turn.templates))
    delegations = await turn.store.delegations(meeting.id)
    # the draft the next compile would circulate, with its version number
    upcoming = dataclasses.replace(meeting, draft_version=meeting.draft_version + 1)
    notes = await ad_referendum_notes(turn, points)
    present, _ = await attending(turn.store, meeting.id)
    report = build_report(
        upcoming,
        delegations,
        points,
        final=False,
        template=template,
        now=turn.now,
        notes=notes,
        attending=present,
    )
    markdown = render_preview(report, template=template, escape=False).strip()
    turn.send(Text(for_chat(markdown, turn.ctx.user.platform)))


async def to_pdf(turn: Turn, filename: str, content: bytes) -> bytes:
    """The .docx as a PDF; refuses (nothing changes) when there is no converter or it fails."""
    if turn.converter is None:
        turn.refuse("documents.pdf_missing")
    try:
        return await turn.converter.to_pdf(filename, content)
    except ConversionUnavailable:
        turn.refuse("documents.pdf_missing")
    except ConversionFailed as exc:
        turn.refuse("documents.pdf_failed", reason=str(exc)[:200])


def pdf_name(docx_name: str) -> str:
    return docx_name.removesuffix(".docx") + ".pdf"


async def redline(
    turn: Turn,
    previous: Circulation,
    report: Report,
    template: ReportTemplate,
    points: Sequence[Point],
    delegations: Sequence[Delegation],
) -> bytes | None:
    """The new draft with tracked changes against `previous`; None when the format has no redline."""
    if not get_format(report.format).tracks_changes:
        return None
    old_meeting, old_delegations, old_points = restore(previous)
    before = build_report(
        old_meeting, old_delegations, old_points, final=False, template=template, now=previous.at
    )
    history = History(
        previous=before,
        default=Revision(turn.who(delegations), turn.now),
        by_point=await _authors(turn, previous, points, delegations),
    )
    return render_document(dataclasses.replace(report, history=history), template)


async def _authors(
    turn: Turn, previous: Circulation, points: Sequence[Point], delegations: Sequence[Delegation]
) -> dict[int, Revision]:
    """Whose the latest change of each point since `previous` is, and when it was made.

    Read from the audit trail after the compile that circulated `previous`: an accepted amendment is
    its author's delegation's, at acceptance; a new point or sub-point its proposer's, a withdrawal
    the withdrawer's, a move the rapporteur's, each at its time.
    """
    meeting_id = turn.need_meeting().id
    names = {d.id: d.name for d in delegations}
    members = await turn.store.members(meeting_id)
    by_id = {m.id: m for m in members}
    by_user = {(m.user.platform, m.user.user_id): m for m in members}

    def name_of(member_id: int | None) -> str:
        member = by_id.get(member_id or -1)
        if member is None:
            return ""
        return names.get(member.delegation_id or -1) or member.user.display_name or member.user.user_id

    log = await turn.store.audit_log(meeting_id)
    start = 0
    for index, entry in enumerate(log):
        if entry.action == "compile" and entry.detail.get("version") == str(previous.version):
            start = index + 1
    known = {p.id for p in points}
    out: dict[int, Revision] = {}
    for entry in log[start:]:
        point_id = entry.point_id
        if point_id is None or point_id not in known:
            continue
        actor = by_user.get((entry.platform, entry.user_id))
        author = name_of(actor.id if actor else None) or entry.user_id
        if entry.action == "accept":
            new_text = entry.detail.get("new", "")
            accepted = [
                a
                for a in await turn.store.amendments(point_id)
                if a.status == "accepted" and a.text == new_text
            ]
            if accepted:
                author = name_of(accepted[-1].member_id) or author
        elif entry.action not in ("propose", "sub", "withdraw", "move"):
            continue
        out[point_id] = Revision(author, entry.at)
    return out


def changes_since(turn: Turn, previous: Circulation | None, points: Sequence[Point]) -> str:
    """What changed in the points since the last circulated draft, one line per kind of change."""
    if previous is None:
        return ""
    before: dict[int, CirculatedPoint] = {p.point_id: p for p in previous.points}
    added: list[str] = []
    amended: list[str] = []
    adopted: list[str] = []
    withdrawn: list[str] = []
    moved = [f"{before[i].number}→{p.number}" for i, p in _moved(before, points)]
    for p in sorted(points, key=lambda p: (p.number, p.letter)):
        old = before.get(p.id)
        gone = p.state is PointState.WITHDRAWN
        if old is None or old.state == PointState.WITHDRAWN.value:
            if not gone:
                added.append(p.label)
            continue
        if gone:
            withdrawn.append(p.label)
            continue
        if old.text != p.text:
            amended.append(p.label)
        if p.state is PointState.ADOPTED and old.state != PointState.ADOPTED.value:
            adopted.append(p.label)
    kinds = (
        ("added", added),
        ("amended", amended),
        ("adopted", adopted),
        ("withdrawn", withdrawn),
        ("moved", moved),
    )
    lines = [
        turn.say(f"documents.changes_{kind}", labels=", ".join(labels)) for kind, labels in kinds if labels
    ]
    if not lines:
        return turn.say("documents.changes_none", previous=previous.version)
    header = turn.say("documents.changes_header", previous=previous.version)
    return "\n".join([header, *(f"· {line}" for line in lines)])


def _moved(before: dict[int, CirculatedPoint], points: Sequence[Point]) -> list[tuple[int, Point]]:
    """The points that changed places: those out of the longest run kept in the same order (moving
    point 4 to the top moves point 4, not the three it passed), as (point id, point) in new order."""
    kept = [p for p in points if not p.is_sub and p.state is not PointState.WITHDRAWN and p.id in before]
    old_order = [i for i, _ in sorted(((p.id, before[p.id].number) for p in kept), key=lambda x: x[1])]
    new_order = [p.id for p in sorted(kept, key=lambda p: p.number)]
    matcher = SequenceMatcher(None, old_order, new_order, autojunk=False)
    steady = {
        new_order[j] for block in matcher.get_matching_blocks() for j in range(block.b, block.b + block.size)
    }
    by_id = {p.id: p for p in kept}
    return [(i, by_id[i]) for i in new_order if i not in steady]


def circulated_on(turn: Turn, previous: Circulation) -> str:
    return long_date(previous.at.date(), turn.lang)


_ATTACH_HINTS = {
    "telegram": "documents.template_attach_telegram",
    "slack": "documents.template_attach_slack",
    "whatsapp": "documents.template_attach_whatsapp",
}


async def template(turn: Turn) -> None:
    """`plantilla` with a .docx attached: the meeting's format takes that Word template; `plantilla
    restablecer` goes back to the default look."""
    meeting = turn.need_meeting()
    fmt = meeting.format
    if turn.cmd.text == "reset":
        removed = await turn.store.delete_word_template(meeting.id, fmt)
        await turn.audit("template_reset", format=fmt)
        turn.reply("documents.template_reset" if removed else "documents.template_none", format=fmt)
        return
    attached = turn.ctx.attachment
    if attached is None:
        # each platform carries a file its own way (a caption on Telegram and WhatsApp, a mention on Slack)
        hint = _ATTACH_HINTS.get(turn.ctx.user.platform, "documents.template_attach")
        turn.refuse(hint, prefix=turn.ctx.prefix)
    filename, content = attached
    problems = word_template.check(content)
    if problems:
        lines = "\n".join(f"· {describe_problem(turn.lang, p)}" for p in problems)
        turn.refuse("documents.template_invalid", filename=filename[:80], problems=lines)
    await turn.store.save_word_template(
        StoredWordTemplate(meeting.id, fmt, filename[:200], content, turn.now)
    )
    await turn.audit("template", format=fmt, filename=filename[:80], bytes=len(content))
    turn.reply("documents.template_installed", filename=filename[:80], format=fmt, prefix=turn.ctx.prefix)


def describe_problem(lang: str, problem: str) -> str:
    """A problem code from `word_template.check` in words: "the style Normal is missing"."""
    kind, _, detail = problem.partition(":")
    return t(lang, f"documents.template_problem_{kind}", detail=detail, max=word_template.MAX_BYTES // 2**20)


async def with_word_template(turn: Turn, template: ReportTemplate) -> ReportTemplate:
    """The format's template with the meeting's Word template (or the server's default) when there is one."""
    stored = await turn.store.word_template(turn.need_meeting().id, template.format)
    return dataclasses.replace(template, word=stored.content) if stored is not None else template
