"""Turn a meeting, its delegations and its points into a `Report`, worded from the template.

What goes in:

* Participants are the member delegations (countries) that took part (`attending`; all of them when not
  given), in alphabetical order; observers are not listed.
* Points are the top-level points in `number` order, each followed by its sub-points in letter order.
  Withdrawn points and sub-points never appear, nor do the sub-points of a withdrawn point.
* A final report holds the adopted points only, with their sub-points: a sub-point is adopted with its
  point, so every sub-point of an adopted point that is not withdrawn goes in.
* A draft holds every point that is not withdrawn; those not adopted yet are `pending` and carry a state
  note ("en discusión", "procedimiento de silencio hasta …"), the sub-points of a pending point too.
  A sub-point's note follows its own state when it is open or under silence, else its point's.

The template's format decides what else the report carries: its package under
`drafting.report.formats` arranges `Report.content` (the informe's opening paragraph and lead-in, the
programa's table, the mesas' sections; each package says how points are typed for it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from drafting.model import Delegation, DelegationKind, Meeting, Point, PointState
from drafting.report.formats import get_format
from drafting.report.formats.base import Arrangement
from drafting.report.model import Report, ReportPoint, ReportSubPoint
from drafting.report.template import ReportTemplate, Wording, format_text
from drafting.report.text import one_line, tidy
from drafting.spanish import Lang, date_line, fold, long_date, normalize_lang, sort_names
from drafting.textblocks import split_blocks
from drafting.xmltext import xml_safe


def build_report(
    meeting: Meeting,
    delegations: Sequence[Delegation],
    points: Sequence[Point],
    *,
    final: bool,
    template: ReportTemplate,
    now: datetime | None = None,
    notes: Mapping[int, str] | None = None,
    attending: Collection[int] | None = None,
) -> Report:
    """The report of `meeting`: the final one (adopted points only) or a draft (all but withdrawn).

    `now` is when the report is compiled (default: the current time); drafts show it in the draft
    mark when the template asks for {date}/{time}. Raises `ValueError` for delegations or points of
    another meeting and for a language other than Spanish or English. `notes` replace the state note of
    the points they name, already worded (an ad referendum point says whose capital it waits for).
    `attending`: the ids of the
    delegations that took part (`attendance`); None lists every member delegation.
    """
    lang = normalize_lang(meeting.language)
    words = template.words(lang)
    tz, tz_name = _timezone(meeting.timezone)
    moment = _aware(now or datetime.now(UTC)).astimezone(tz)
    owners = [("delegation", d.id, d.meeting_id) for d in delegations]
    owners += [("point", p.id, p.meeting_id) for p in points]
    for what, item_id, meeting_id in owners:
        if meeting_id != meeting.id:
            raise ValueError(f"{what} {item_id} belongs to meeting {meeting_id}, not to meeting {meeting.id}")

    taking_part = [d for d in delegations if attending is None or d.id in attending]
    names = participant_names(taking_part, lang)
    draft_mark = ""
    if not final:
        draft_mark = tidy(
            format_text(
                words.draft_mark,
                {
                    "version": str(meeting.draft_version),
                    "date": long_date(moment.date(), lang),
                    "time": moment.strftime("%H:%M"),
                },
            )
        )

    def caps(text: str) -> str:
        text = text.strip()
        return text.upper() if template.title.uppercase else text

    report_points = _report_points(
        points, final=final, words=words, lang=lang, tz=tz, tz_name=tz_name, notes=notes or {}
    )
    report = Report(
        language=lang,
        bodies=tuple(caps(b) for b in meeting.bodies if b.strip()),
        title=caps(meeting.title),
        place=one_line(meeting.place),
        date_line=date_line(meeting.dates, lang) if meeting.dates else "",
        objective=meeting.objective.strip() or None,
        points=report_points,
        draft=not final,
        version=meeting.draft_version,
        draft_mark=draft_mark,
        extra={"generated_at": moment.isoformat(timespec="seconds")},
        format=template.format,
    )
    given = Arrangement(meeting=meeting, participants=names, words=words, template=template)
    return get_format(template.format).arrange(report, given)


def participant_names(delegations: Sequence[Delegation], lang: str) -> list[str]:
    """The member delegations' names, alphabetical, each once (observers are not participants)."""
    seen: dict[str, str] = {}
    for d in delegations:
        name = one_line(d.name)
        if d.kind == DelegationKind.MEMBER and name and fold(name) not in seen:
            seen[fold(name)] = name
    return sort_names(seen.values(), lang)


def _report_points(
    points: Sequence[Point],
    *,
    final: bool,
    words: Wording,
    lang: Lang,
    tz: tzinfo,
    tz_name: str,
    notes: Mapping[int, str],
) -> tuple[ReportPoint, ...]:
    children: defaultdict[int, list[Point]] = defaultdict(list)
    for p in points:
        if p.parent_id is not None:
            children[p.parent_id].append(p)
    tops = sorted((p for p in points if p.parent_id is None), key=lambda p: (p.number, p.id))
    out: list[ReportPoint] = []
    for top in tops:
        if top.state == PointState.WITHDRAWN:
            continue
        adopted = top.state == PointState.ADOPTED
        if final and not adopted:
            continue
        subs = sorted(children.get(top.id, ()), key=lambda s: (len(s.letter), s.letter, s.id))
        top_note = None if adopted else notes.get(top.id) or _state_note(top, words, lang, tz, tz_name)
        sub_points = []
        for sub in subs:
            if sub.state == PointState.WITHDRAWN:
                continue
            note = None
            if not adopted:
                own = sub.state in (PointState.OPEN, PointState.SILENCE)
                note = _state_note(sub, words, lang, tz, tz_name) if own else top_note
            sub_points.append(
                ReportSubPoint(
                    label=sub.label,
                    blocks=split_blocks(xml_safe(sub.text)),
                    pending=not adopted,
                    state_note=note,
                    point_id=sub.id,
                )
            )
        out.append(
            ReportPoint(
                label=top.label,
                blocks=split_blocks(xml_safe(top.text)),
                subpoints=tuple(sub_points),
                pending=not adopted,
                state_note=top_note,
                point_id=top.id,
            )
        )
    return tuple(out)


def _state_note(point: Point, words: Wording, lang: Lang, tz: tzinfo, tz_name: str) -> str | None:
    notes = words.state_notes
    if point.state == PointState.SILENCE:
        deadline = point.silence_deadline
        if deadline is None:
            return notes.silence_no_deadline.strip() or None
        local = _aware(deadline).astimezone(tz)
        day, time = long_date(local.date(), lang), local.strftime("%H:%M")
        values = {"deadline": f"{day}, {time} ({tz_name})", "date": day, "time": time, "timezone": tz_name}
        return tidy(format_text(notes.silence, values)) or None
    return notes.open.strip() or None


def _aware(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC, as storage keeps them."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _timezone(name: str) -> tuple[tzinfo, str]:
    name = name.strip()
    if not name or name.upper() == "UTC":
        return UTC, "UTC"
    try:
        return ZoneInfo(name), name
    except (KeyError, ValueError):  # unknown zone (ZoneInfoNotFoundError is a KeyError) or bad name
        return UTC, "UTC"
