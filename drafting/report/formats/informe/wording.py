"""The informe's generated sentences: the opening paragraph and the lead-in (reference 001/002)."""

from __future__ import annotations

from collections.abc import Sequence

from drafting.model import Meeting
from drafting.report.formats.informe.template import InformeWords, informe_words
from drafting.report.template import Wording, format_text
from drafting.report.text import one_line, tidy
from drafting.spanish import date_line, date_phrase, fold, join_names, normalize_lang


def network_subject(network: str, wording: Wording | InformeWords) -> tuple[str, str]:
    """The network with its article and its short form: ("La Red de Funcionarios …", "La Red").

    The article comes from the template's table, keyed by the network's first word; a network typed
    with its article ("La Red de …") keeps it. A first word the table does not know gets the template's
    default article, and then the short form is the whole name.
    """
    words = wording if isinstance(wording, InformeWords) else informe_words(wording)
    name = one_line(network)
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


# kinds of meeting that Spanish puts before "reunión" (and English before "meeting", as every kind)
ORDINALS = frozenset(
    [
        "primera",
        "segunda",
        "tercera",
        "cuarta",
        "quinta",
        "sexta",
        "septima",
        "octava",
        "novena",
        "decima",
        "undecima",
        "duodecima",
        "ultima",
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "last",
    ]
)


def kind_parts(kind: str) -> tuple[str, str]:
    """("primera ", "") for an ordinal kind, ("", " ordinaria") for any other, ("", "") for none."""
    kind = one_line(kind)
    if not kind:
        return "", ""
    if fold(kind.split()[0]) in ORDINALS:
        return f"{kind} ", ""
    return "", f" {kind}"


def opening_paragraph(meeting: Meeting, participants: Sequence[str], wording: Wording) -> str:
    """The generated first paragraph: who met, what kind of meeting, when, where, before what, with whom."""
    words = informe_words(wording)
    lang = normalize_lang(meeting.language)
    the_network, subject = network_subject(meeting.network, words)
    place = one_line(meeting.place)
    before = one_line(meeting.before)
    joined = join_names(participants, lang)
    if not participants:
        participants_clause = ""
    elif len(participants) == 1:
        participants_clause = format_text(words.participants_clause_one, {"participants": joined})
    else:
        participants_clause = format_text(words.participants_clause, {"participants": joined})
    values = {
        "network": one_line(meeting.network),
        "the_network": the_network,
        "subject": subject,
        "kind": one_line(meeting.kind),
        "kind_before": kind_parts(meeting.kind)[0],
        "kind_after": kind_parts(meeting.kind)[1],
        "date_phrase": date_phrase(meeting.dates, lang) if meeting.dates else "",
        "date_line": date_line(meeting.dates, lang) if meeting.dates else "",
        "place": place,
        "place_clause": format_text(words.place_clause, {"place": place}) if place else "",
        "before": before,
        "before_clause": format_text(words.before_clause, {"before": before}) if before else "",
        "participants": joined,
        "participants_clause": participants_clause,
    }
    return tidy(format_text(words.opening, values))


def lead_in(meeting: Meeting, wording: Wording) -> str:
    """ "La Red somete a consideración del … su informe …", or the variant for no `before` meeting."""
    words = informe_words(wording)
    the_network, subject = network_subject(meeting.network, words)
    values = {"network": one_line(meeting.network), "the_network": the_network, "subject": subject}
    before = one_line(meeting.before)
    if before:
        return tidy(format_text(words.lead_in, {**values, "before": before}))
    return tidy(format_text(words.lead_in_without_before, values))
