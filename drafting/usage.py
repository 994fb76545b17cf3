"""Usage lines and help, generated from the command declarations."""

from __future__ import annotations

from collections.abc import Sequence

from drafting.commands import SPECS, Arg, Spec
from drafting.i18n import t
from drafting.model import Meeting, Member
from drafting.permissions import offered


def usage(spec: Spec, lang: str, prefix: str) -> str:
    word = spec.alias if lang == "es" else spec.name
    args = " ".join(_arg(spec, a, lang) for a in spec.args)
    line = f"{prefix}{word} {args}".rstrip()
    if spec.args and spec.args[-1].value == "fields":
        line = f"{prefix}{word}\n" + t(lang, "arg.fields_example")
    return line


def _arg(spec: Spec, arg: Arg, lang: str) -> str:
    if arg is Arg.OPTION:  # the words themselves: "[redline | pdf]"
        return "[" + " | ".join(es if lang == "es" else en for en, es in spec.options) + "]"
    return t(lang, f"arg.{arg.value}")


def help_text(
    lang: str, prefix: str, member: Member | None, meeting: Meeting | None, specs: Sequence[Spec] = SPECS
) -> str:
    has_meeting = meeting is not None
    lines = [t(lang, "help.header")]
    if member is not None:
        lines.append(t(lang, "help.your_role", role=t(lang, f"role.{member.role.value}")))
    lines.append("")
    for spec in specs:
        if offered(spec, member, meeting):
            other = spec.name if lang == "es" else spec.alias
            summary = t(lang, spec.help_key)
            lines.append(f"{usage(spec, lang, prefix).splitlines()[0]}  ({other}) — {summary}")
    if not has_meeting:
        lines += ["", t(lang, "help.no_meeting", prefix=prefix)]
    elif member is None:
        lines += ["", t(lang, "help.not_member", prefix=prefix)]
    lines += ["", t(lang, "help.points", prefix=prefix)]
    return "\n".join(lines)
