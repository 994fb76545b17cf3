"""The command table: every command declared once, with its words, arguments, roles, handler and flags.

drafting/commands.py parses against it; permissions, usage and help, the service's dispatch, the
Telegram menu and the Slack manifest all read it. It imports no handler (they import it): a handler is
named by "module.function" inside drafting/handlers and looked up once when the service is imported.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from drafting.model import Role

MAX_TEXT = 5000  # a point or amendment; longer texts are refused, not cut
MAX_COMMENT = 3000
MAX_REASON = 1000
MAX_FIELD = 500
MAX_NAMES = 60


class Arg(enum.Enum):
    REF = "ref"  # a point "3" or a sub-point "3.b"
    POINT = "point"  # a point "3" (positions, silence, move, sub)
    POSITION = "position"  # a place in the order, "1"
    TEXT = "text"  # the rest of the message, required
    REASON = "reason"  # the rest, required: an objection states why
    DEADLINE = "deadline"  # the rest: "48h", "2d", "2026-11-25 18:00"
    CODE = "code"  # one word
    NAMES = "names"  # "A, B y C" or one per line
    TARGET = "target"  # a delegation name or a role word
    # A member, as `member` names them: a number from its listing, @name or a name. It takes the rest
    # of the message, the PLACE after it included: only the meeting knows where a person's name ends
    # and a delegation's begins, so the handler splits them. Nothing at all lists the members.
    WHO = "who"
    PLACE = "place"  # where `member` puts someone: a delegation or a role word (read with WHO)
    FIELDS = "fields"  # "key: value" lines
    BRACKET = "bracket"  # a bracket's number in a point's text, "2"
    CHOICE = "choice"  # the rest: an alternative's number, new text, or "-"
    OPTION = "option"  # one optional word from the spec's `options`: "compile pdf", "compilar cambios"
    AD_REFERENDUM = "ad_referendum"  # optional "ad referendum <date>" after approve; the date is the text
    MAYBE_POINT = "maybe_point"  # an optional point "3" (pending)
    AMENDMENT = "amendment"  # an amendment's number within its point, optional: "accept 4 2"
    MAYBE_NAMES = "maybe_names"  # as NAMES, or nothing at all; a leading ":" is allowed


ANY_MEMBER = frozenset(Role)
PROPOSERS = frozenset({Role.DELEGATE, Role.OBSERVER, Role.RAPPORTEUR})


@dataclass(frozen=True)
class Spec:
    name: str
    alias: str  # Spanish
    args: tuple[Arg, ...] = ()
    # None: anyone in the chat, member or not. Otherwise the roles that may use it; `owner` adds the
    # point's proposer (accept, withdraw) whatever the role.
    roles: frozenset[Role] | None = None
    owner: bool = False
    needs_meeting: bool = True  # False: usable in a chat with no meeting (help, newmeeting, join)
    writes: bool = True  # False: reads only, so it is also allowed once the report is final
    options: tuple[tuple[str, str], ...] = ()  # (English, Spanish) words an Arg.OPTION accepts
    handler: str = ""  # "module.function" in drafting/handlers, e.g. "points.propose"
    numbering: bool = False  # gives points their numbers or letters: runs under the meeting's lock
    button: bool = False  # also a button on a point card (`DraftingService.press`)
    history: bool = False  # its audit entries are shown in `item N`'s history
    after_final: bool = False  # writes, yet allowed in a final meeting (join)
    opens_meeting: bool = False  # creates the chat's meeting: offered only where there is none
    spellings: tuple[tuple[str, str], ...] = ()  # other words people type for it: (word, language)

    @property
    def help_key(self) -> str:
        """The catalogue key of its one-line summary (help, Telegram menu)."""
        return f"help.{self.name}"


DELEGATE = frozenset({Role.DELEGATE})
SECRETARIAT = frozenset({Role.SECRETARIAT})
RAPPORTEUR = frozenset({Role.RAPPORTEUR})

SPECS: tuple[Spec, ...] = (
    Spec("help", "ayuda", (), None, needs_meeting=False, writes=False, handler="reports.help_"),
    Spec(
        "newmeeting",
        "nuevareunion",
        (Arg.FIELDS,),
        None,
        needs_meeting=False,
        handler="setup.newmeeting",
        opens_meeting=True,
        spellings=(("new-meeting", "en"), ("nueva-reunion", "es")),
    ),
    Spec("meeting", "reunion", (Arg.FIELDS,), SECRETARIAT, handler="setup.meeting"),
    Spec("delegations", "delegaciones", (Arg.NAMES,), SECRETARIAT, handler="setup.delegations"),
    Spec("observers", "observadores", (Arg.NAMES,), SECRETARIAT, handler="setup.observers"),
    Spec("invite", "invitar", (Arg.TARGET,), SECRETARIAT, handler="setup.invite"),
    Spec("join", "unirse", (Arg.CODE,), None, needs_meeting=False, after_final=True, handler="setup.join"),
    Spec(
        "propose", "proponer", (Arg.TEXT,), PROPOSERS, handler="points.propose", numbering=True, history=True
    ),
    Spec(
        "sub",
        "subpunto",
        (Arg.POINT, Arg.TEXT),
        PROPOSERS,
        handler="points.sub",
        numbering=True,
        history=True,
        spellings=(("subpoint", "en"), ("sub-punto", "es")),
    ),
    Spec("comment", "comentar", (Arg.REF, Arg.TEXT), ANY_MEMBER, handler="points.comment"),
    Spec("amend", "enmendar", (Arg.REF, Arg.TEXT), PROPOSERS, handler="amendments.amend"),
    Spec(
        "accept",
        "aceptar",
        (Arg.REF, Arg.AMENDMENT),
        RAPPORTEUR,
        owner=True,
        handler="amendments.accept",
        history=True,
    ),
    Spec(
        "reject",
        "rechazar",
        (Arg.REF, Arg.AMENDMENT),
        RAPPORTEUR,
        owner=True,
        handler="amendments.reject",
        history=True,
    ),
    # anyone sees it, a finished meeting's too; only the secretariat sets it, before `finalize` (the
    # handler checks both, as they depend on the words)
    Spec(
        "attendance",
        "asistencia",
        (Arg.MAYBE_NAMES,),
        None,
        writes=False,
        handler="attendance.attendance",
    ),
    Spec(
        "approve",
        "aprobar",
        (Arg.POINT, Arg.AD_REFERENDUM),
        DELEGATE,
        handler="positions.approve",
        button=True,
    ),
    Spec(
        "object",
        "objetar",
        (Arg.POINT, Arg.REASON),
        DELEGATE,
        handler="positions.object_",
        button=True,
        spellings=(("objection", "en"), ("objecion", "es")),
    ),
    Spec(
        "abstain",
        "abstenerse",
        (Arg.POINT,),
        DELEGATE,
        handler="positions.abstain",
        button=True,
        spellings=(("abstener", "es"),),
    ),
    Spec("withdraw", "retirar", (Arg.REF,), frozenset(), owner=True, handler="points.withdraw", history=True),
    Spec(
        "silence",
        "silencio",
        (Arg.POINT, Arg.DEADLINE),
        frozenset({Role.CHAIR, Role.RAPPORTEUR}),
        handler="positions.silence",
        history=True,
    ),
    Spec("items", "puntos", (), None, writes=False, handler="reports.items"),
    Spec("item", "punto", (Arg.REF,), None, writes=False, handler="reports.item"),
    Spec(
        "move",
        "mover",
        (Arg.POINT, Arg.POSITION),
        RAPPORTEUR,
        handler="points.move",
        numbering=True,
        history=True,
    ),
    Spec(
        "compile",
        "compilar",
        (Arg.OPTION,),
        RAPPORTEUR,
        options=(("redline", "cambios"), ("pdf", "pdf")),
        handler="reports.compile_",
    ),
    Spec("finalize", "finalizar", (), RAPPORTEUR, handler="reports.finalize"),
    Spec(
        "download",
        "descargar",
        (Arg.OPTION,),
        SECRETARIAT,
        writes=False,
        options=(("pdf", "pdf"),),
        handler="reports.download",
    ),
    Spec("preview", "vista", (), ANY_MEMBER, writes=False, handler="documents.preview"),
    Spec(
        "template",
        "plantilla",
        (Arg.OPTION,),
        SECRETARIAT,
        options=(("reset", "restablecer"),),
        handler="documents.template",
    ),
    Spec(
        "resolve",
        "resolver",
        (Arg.REF, Arg.BRACKET, Arg.CHOICE),
        frozenset({Role.RAPPORTEUR, Role.CHAIR}),
        handler="brackets.resolve",
        history=True,
    ),
    Spec("member", "miembro", (Arg.WHO, Arg.PLACE), SECRETARIAT, handler="members.member"),
    Spec("panel", "panel", (), ANY_MEMBER, writes=False, handler="panel.panel"),
    Spec("confirm", "confirmar", (Arg.POINT,), DELEGATE, handler="positions.confirm", history=True),
    Spec("pending", "pendientes", (Arg.MAYBE_POINT,), None, writes=False, handler="pending.pending"),
    Spec(
        "remind",
        "recordar",
        (Arg.POINT,),
        frozenset({Role.CHAIR, Role.RAPPORTEUR, Role.SECRETARIAT}),
        handler="pending.remind",
    ),
)

BY_NAME: Mapping[str, Spec] = {s.name: s for s in SPECS}
