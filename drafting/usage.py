"""Usage lines and help, generated from the command declarations."""

from __future__ import annotations

from drafting.commands import SPECS, Arg, Spec
from drafting.i18n import t
from drafting.model import Member, Role


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


def may_use(spec: Spec, member: Member | None, has_meeting: bool) -> bool:
    if spec.name == "newmeeting":
        return not has_meeting
    if spec.roles is None:
        return has_meeting or not spec.needs_meeting or spec.name == "join"
    if member is None:
        return False
    if spec.owner and member.role in (Role.DELEGATE, Role.OBSERVER, Role.RAPPORTEUR):
        return True
    return member.role in spec.roles


def help_text(lang: str, prefix: str, member: Member | None, has_meeting: bool) -> str:
    lines = [t(lang, "help.header")]
    if member is not None:
        lines.append(t(lang, "help.your_role", role=t(lang, f"role.{member.role.value}")))
    lines.append("")
    for spec in SPECS:
        if may_use(spec, member, has_meeting):
            other = spec.name if lang == "es" else spec.alias
            summary = t(lang, f"help.{spec.name}")
            lines.append(f"{usage(spec, lang, prefix).splitlines()[0]}  ({other}) — {summary}")
    if not has_meeting:
        lines += ["", t(lang, "help.no_meeting", prefix=prefix)]
    elif member is None:
        lines += ["", t(lang, "help.not_member", prefix=prefix)]
    lines += ["", t(lang, "help.points", prefix=prefix)]
    return "\n".join(lines)
