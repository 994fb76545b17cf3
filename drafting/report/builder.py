"""Turn a meeting, its delegations and its points into a `Report`, worded from the template.

What goes in:

* Participants are the member delegations (countries), in alphabetical order; observers are not listed.
* Points are the top-level points in `number` order, each followed by its sub-points in letter order.
  Withdrawn points and sub-points never appear, nor do the sub-points of a withdrawn point.
* A final report holds the adopted points only, with their sub-points: a sub-point is adopted with its
  point, so every sub-point of an adopted point that is not withdrawn goes in.
* A draft holds every point that is not withdrawn; those not adopted yet are `pending` and carry a state
  note ("en discusión", "procedimiento de silencio hasta …"), the sub-points of a pending point too.
  A sub-point's note follows its own state when it is open or under silence, else its point's.

The template's format decides what else the report carries (`drafting.report.model`):

* informe: the generated opening paragraph and lead-in (from the meeting's data and the template);
* programa: no opening nor lead-in; the one place-and-date line of the title block (the template's
  `place_date`, "Tegucigalpa, Honduras, 19 de noviembre de 2008"), the column headers and the points
  as table themes (`drafting.report.programa` explains how points are typed for a programa);
* mesas: no opening nor lead-in (the objective, when set, introduces the sections); the points as
  working-table sections (`drafting.report.mesas` explains how they are typed).
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from drafting.model import DateSpan, Delegation, DelegationKind, Meeting, Point, PointState, ReportFormat
from drafting.report.mesas import working_tables
from drafting.report.model import Report, ReportPoint, ReportSubPoint
from drafting.report.programa import programme_themes
from drafting.report.template import ReportTemplate, Wording, format_text
from drafting.spanish import (
    Lang,
    date_line,
    date_phrase,
    fold,
    join_names,
    long_date,
    normalize_lang,
    sort_names,
)
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
) -> Report:
    """The report of `meeting`: the final one (adopted points only) or a draft (all but withdrawn).

    `now` is when the report is compiled (default: the current time); drafts show it in the draft
    mark when the template asks for {date}/{time}. Raises `ValueError` for delegations or points of
    another meeting and for a language other than Spanish or English.
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

    names = participant_names(delegations, lang)
    draft_mark = ""
    if not final:
        draft_mark = _tidy(
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

    fmt = template.format
    informe = fmt == ReportFormat.INFORME
    report_points = _report_points(points, final=final, words=words, lang=lang, tz=tz, tz_name=tz_name)
    report = Report(
        language=lang,
        bodies=tuple(caps(b) for b in meeting.bodies if b.strip()),
        title=caps(meeting.title),
        place=_one_line(meeting.place),
        date_line=date_line(meeting.dates, lang) if meeting.dates else "",
        opening=opening_paragraph(meeting, names, words) if informe else "",
        objective=meeting.objective.strip() or None,
        lead_in=lead_in(meeting, words) if informe else "",
        points=report_points,
        draft=not final,
        version=meeting.draft_version,
        draft_mark=draft_mark,
        extra={"generated_at": moment.isoformat(timespec="seconds")},
        format=fmt,
    )
    if fmt == ReportFormat.PROGRAMA:
        return dataclasses.replace(
            report,
            place_date_line=place_date_line(meeting, words),
            columns=words.columns,
            themes=programme_themes(report_points),
        )
    if fmt == ReportFormat.MESAS:
        return dataclasses.replace(report, tables=working_tables(report_points, words.list_labels))
    return report


def place_date_line(meeting: Meeting, words: Wording) -> str:
    """The programa's one line under the title: "Tegucigalpa, Honduras, 19 de noviembre de 2008"."""
    lang = normalize_lang(meeting.language)
    values = {
        "place": _one_line(meeting.place),
        "date": long_date_span(meeting.dates, lang) if meeting.dates else "",
        "date_line": date_line(meeting.dates, lang) if meeting.dates else "",
    }
    return _tidy(format_text(words.place_date, values)).strip(" ,;-–")


def long_date_span(span: DateSpan, lang: str) -> str:
    """A date or a range in long form: "19 de noviembre de 2008", "16-17 de marzo de 2017".

    Across months "30 de abril-2 de mayo de 2017", across years "30 de diciembre de 2016-2 de enero de
    2017"; English "19 November 2008", "16-17 March 2017", "30 April-2 May 2017".
    """
    code = normalize_lang(lang)
    start, end = span.start, span.end
    if start == end:
        return long_date(start, code)
    if start.year != end.year:
        return f"{long_date(start, code)}-{long_date(end, code)}"
    if start.month != end.month:
        first = long_date(start, code).removesuffix(f" {start.year}").removesuffix(" de")
        return f"{first}-{long_date(end, code)}"
    return f"{start.day}-{long_date(end, code)}"


def participant_names(delegations: Sequence[Delegation], lang: str) -> list[str]:
    """The member delegations' names, alphabetical, each once (observers are not participants)."""
    seen: dict[str, str] = {}
    for d in delegations:
        name = _one_line(d.name)
        if d.kind == DelegationKind.MEMBER and name and fold(name) not in seen:
            seen[fold(name)] = name
    return sort_names(seen.values(), lang)


def network_subject(network: str, words: Wording) -> tuple[str, str]:
    """The network with its article and its short form: ("La Red de Funcionarios …", "La Red").

    The article comes from the template's table, keyed by the network's first word; a network typed
    with its article ("La Red de …") keeps it. A first word the table does not know gets the template's
    default article, and then the short form is the whole name.
    """
    name = _one_line(network)
    if not name:
        return "", ""
    first, _, rest = name.partition(" ")
    known = {fold(a) for a in words.articles.values() if a.strip()}
    if words.default_article.strip():
        known.add(fold(words.default_article))
    if rest and fold(first) in known:
        article = first[:1].upper() + first[1:]
        return f"{article} {rest}", f"{article} {rest.partition(' ')[0]}"
    article = words.articles.get(fold(first), "").strip()
    if article:
        return f"{article} {name}", f"{article} {first}"
    article = words.default_article.strip()
    full = f"{article} {name}" if article else name
    return full, full


def opening_paragraph(meeting: Meeting, participants: Sequence[str], words: Wording) -> str:
    """The generated first paragraph: who met, what kind of meeting, when, where, before what, with whom."""
    lang = normalize_lang(meeting.language)
    the_network, subject = network_subject(meeting.network, words)
    place = _one_line(meeting.place)
    before = _one_line(meeting.before)
    joined = join_names(participants, lang)
    if not participants:
        participants_clause = ""
    elif len(participants) == 1:
        participants_clause = format_text(words.participants_clause_one, {"participants": joined})
    else:
        participants_clause = format_text(words.participants_clause, {"participants": joined})
    values = {
        "network": _one_line(meeting.network),
        "the_network": the_network,
        "subject": subject,
        "kind": _one_line(meeting.kind),
        "date_phrase": date_phrase(meeting.dates, lang) if meeting.dates else "",
        "date_line": date_line(meeting.dates, lang) if meeting.dates else "",
        "place": place,
        "place_clause": format_text(words.place_clause, {"place": place}) if place else "",
        "before": before,
        "before_clause": format_text(words.before_clause, {"before": before}) if before else "",
        "participants": joined,
        "participants_clause": participants_clause,
    }
    return _tidy(format_text(words.opening, values))


def lead_in(meeting: Meeting, words: Wording) -> str:
    """ "La Red somete a consideración del … su informe …", or the variant for no `before` meeting."""
    the_network, subject = network_subject(meeting.network, words)
    values = {"network": _one_line(meeting.network), "the_network": the_network, "subject": subject}
    before = _one_line(meeting.before)
    if before:
        return _tidy(format_text(words.lead_in, {**values, "before": before}))
    return _tidy(format_text(words.lead_in_without_before, values))


def _report_points(
    points: Sequence[Point], *, final: bool, words: Wording, lang: Lang, tz: tzinfo, tz_name: str
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
        top_note = None if adopted else _state_note(top, words, lang, tz, tz_name)
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
                )
            )
        out.append(
            ReportPoint(
                label=top.label,
                blocks=split_blocks(xml_safe(top.text)),
                subpoints=tuple(sub_points),
                pending=not adopted,
                state_note=top_note,
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
        return _tidy(format_text(notes.silence, values)) or None
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


def _one_line(text: str) -> str:
    return " ".join(text.split())


_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.;:])")


def _tidy(text: str) -> str:
    """Collapse the double spaces and stray " ," that empty placeholders leave behind."""
    return _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", text)).strip()
