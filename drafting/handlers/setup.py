"""Setting a meeting up: creating it, its delegations, invitations and joining."""

from __future__ import annotations

from babel.lists import format_list

from drafting.commands import fold
from drafting.handlers.membership import capacity, number_of, place_word, secretariat_names
from drafting.handlers.points import show_card
from drafting.handlers.positions import evaluate
from drafting.meeting_fields import FieldError, apply_fields, current_values, key_word, known_keys
from drafting.model import DelegationKind, Meeting, MeetingState, Member, PointState, Role
from drafting.replies import Delivery, Digest, Text
from drafting.timezones import meeting_zone
from drafting.turn import Turn, code_hash

ROLE_WORDS: dict[str, Role] = {
    "rapporteur": Role.RAPPORTEUR,
    "relator": Role.RAPPORTEUR,
    "relatora": Role.RAPPORTEUR,
    "relatoria": Role.RAPPORTEUR,
    "chair": Role.CHAIR,
    "presidencia": Role.CHAIR,
    "ppt": Role.CHAIR,
    "secretariat": Role.SECRETARIAT,
    "secretaria": Role.SECRETARIAT,
    "st": Role.SECRETARIAT,
}
CHAT_WORDS = {"chat", "canal", "grupo", "channel", "group"}


async def newmeeting(turn: Turn) -> None:
    existing = await turn.store.meeting_for_chat(turn.ctx.chat)
    if existing is not None and existing.state is MeetingState.DRAFTING:
        turn.refuse("error.meeting_exists", title=existing.title or existing.id)
    meeting = Meeting(id=0, language=turn.cmd.lang)
    try:
        apply_fields(meeting, turn.cmd.fields)
    except FieldError as error:
        turn.refuse(error.key, known=known_keys(turn.lang), **error.params)
    if not meeting.title:
        turn.refuse("error.need_title", prefix=turn.ctx.prefix, known=known_keys(turn.lang))
    if existing is not None:
        await turn.store.unbind_chat(turn.ctx.chat)
    meeting = await turn.store.create_meeting(meeting, turn.now)
    await turn.store.bind_chat(meeting.id, turn.ctx.chat, turn.now)
    await turn.store.save_member(meeting.id, turn.ctx.user, Role.SECRETARIAT, None, turn.now)
    turn.meeting = meeting
    turn.lang = meeting.language
    await turn.audit("newmeeting", **dict(turn.cmd.fields))
    turn.reply("setup.created", title=meeting.title, prefix=turn.ctx.prefix)


async def meeting(turn: Turn) -> None:
    """`meeting` alone shows the settings; with `key: value` lines it changes them."""
    current = turn.need_meeting()
    if not turn.cmd.fields:
        turn.reply("setup.settings", lines=settings_lines(turn, current), prefix=turn.ctx.prefix)
        return
    rule_before = current.rule
    try:
        changed = apply_fields(current, turn.cmd.fields)
    except FieldError as error:
        turn.refuse(error.key, known=known_keys(turn.lang), **error.params)
    await turn.store.save_meeting(current)
    turn.lang = current.language
    await turn.audit("meeting", **dict(turn.cmd.fields))
    turn.reply("setup.updated", keys=", ".join(key_word(k, turn.lang) for k in changed))
    if current.rule != rule_before:
        await _apply_new_rule(turn, current)


def settings_lines(turn: Turn, meeting: Meeting) -> str:
    """One "key: value" line per setting, keys in the meeting's language, as they would be typed."""
    lines = []
    for key, value in current_values(meeting):
        if key == "rule":
            value = turn.say(f"setup.rule_{value}")
        elif key == "timezone" and (not value or value.upper() == "UTC"):
            value = turn.say("setup.zone_from_place", zone=meeting_zone(meeting).name)
        lines.append(f"{key_word(key, turn.lang)}: {value or '—'}")
    return "\n".join(lines)


async def _apply_new_rule(turn: Turn, meeting: Meeting) -> None:
    """Open points are weighed again under the new rule; the reply names the ones it adopted. An
    adopted point stays adopted under a stricter rule: adoption was an act, not a standing count."""
    adopted: list[str] = []
    for point in await turn.store.points(meeting.id):
        if point.is_sub or point.state not in (PointState.OPEN, PointState.SILENCE):
            continue
        locked = await turn.store.point(point.id, lock=True)
        if locked is not None and await evaluate(turn, locked):
            adopted.append(locked.label)
            await show_card(
                turn, locked.id, announce=turn.say("point.adopted", label=locked.label), point=locked
            )
    rule = turn.say(f"setup.rule_{meeting.rule}")
    if adopted:
        labels = format_list(adopted, locale=turn.lang)
        turn.reply("setup.rule_adopted", rule=rule, labels=labels, count=len(adopted))
    else:
        turn.reply("setup.rule_unchanged", rule=rule)


async def delegations(turn: Turn) -> None:
    await _set_delegations(turn, DelegationKind.MEMBER)


async def observers(turn: Turn) -> None:
    await _set_delegations(turn, DelegationKind.OBSERVER)


async def _set_delegations(turn: Turn, kind: DelegationKind) -> None:
    """Makes the list of this kind equal to the names given; one with members cannot be dropped."""
    meeting = turn.need_meeting()
    current = await turn.store.delegations(meeting.id)
    wanted = {fold(n): n for n in turn.cmd.names}
    other_kind = {fold(d.name) for d in current if d.kind is not kind}
    clash = [n for key, n in wanted.items() if key in other_kind]
    if clash:
        turn.refuse("error.name_in_other_list", name=clash[0])
    used = await turn.store.delegations_in_use(meeting.id)
    for d in current:
        if d.kind is kind and fold(d.name) not in wanted and d.id in used:
            turn.refuse("error.delegation_in_use", name=d.name)
    have = {fold(d.name) for d in current if d.kind is kind}
    for d in current:
        if d.kind is kind and fold(d.name) not in wanted:
            await turn.store.delete_delegation(d.id)
    for key, name in wanted.items():
        if key not in have:
            await turn.store.add_delegation(meeting.id, name, kind)
    names = [d.name for d in await turn.store.delegations(meeting.id) if d.kind is kind]
    await turn.audit(turn.cmd.name, names="; ".join(names))
    turn.reply(f"setup.{turn.cmd.name}", count=len(names), names=", ".join(names))


async def invite(turn: Turn) -> None:
    meeting = turn.need_meeting()
    target = fold(turn.cmd.text)
    role: Role
    delegation_id: int | None = None
    bind_chat = False
    what: str
    if target in ROLE_WORDS:
        role = ROLE_WORDS[target]
        what = turn.say(f"role.{role.value}")
    elif target in CHAT_WORDS:
        role, bind_chat = Role.SECRETARIAT, True
        what = turn.say("setup.another_chat")
    else:
        matches = [d for d in await turn.store.delegations(meeting.id) if fold(d.name) == target]
        if not matches:
            names = ", ".join(d.name for d in await turn.store.delegations(meeting.id))
            turn.refuse("error.unknown_delegation", name=turn.cmd.text[:60], known=names or "—")
        delegation = matches[0]
        delegation_id = delegation.id
        role = Role.DELEGATE if delegation.kind is DelegationKind.MEMBER else Role.OBSERVER
        what = delegation.name
    code = turn.new_code()
    await turn.store.add_invite(meeting.id, code_hash(code), role, delegation_id, bind_chat, turn.now)
    await turn.audit("invite", role=role.value, delegation=what)
    text = Text(turn.say("setup.invite_code", what=what, line=f"{turn.ctx.prefix}join {code}"))
    if turn.ctx.private:
        turn.send(text)
        return
    turn.out.append(
        Delivery(
            text,
            private_to=turn.ctx.user,
            notice=Text(turn.say("setup.invite_sent_privately", what=what)),
            fallback=Text(turn.say("setup.invite_private_failed", what=what, prefix=turn.ctx.prefix)),
        )
    )


async def join(turn: Turn) -> None:
    taken = await turn.store.take_invite(code_hash(turn.cmd.text), turn.now)
    if taken is None:
        turn.refuse("error.bad_code")
    meeting = await turn.store.meeting(taken.meeting_id)
    if meeting is None or meeting.state is MeetingState.FINAL:
        turn.refuse("error.bad_code")
    turn.meeting = meeting
    turn.lang = meeting.language
    if taken.bind_chat:
        if turn.ctx.private:
            turn.refuse("error.bind_private_chat")
        bound = await turn.store.meeting_for_chat(turn.ctx.chat)
        if bound is not None and bound.id != meeting.id and bound.state is MeetingState.DRAFTING:
            turn.refuse("error.meeting_exists", title=bound.title)
        if bound is not None and bound.id != meeting.id:
            await turn.store.unbind_chat(turn.ctx.chat)
        if bound is None or bound.id != meeting.id:
            await turn.store.bind_chat(meeting.id, turn.ctx.chat, turn.now)
    previous = await turn.store.member(meeting.id, turn.ctx.user)
    member = None
    if previous is None:
        member = await turn.store.add_member(
            meeting.id, turn.ctx.user, taken.role, taken.delegation_id, turn.now
        )
        if member is None:  # the same person joined a moment ago with another code, and won
            previous = await turn.store.member(meeting.id, turn.ctx.user)
    if previous is not None:
        await _check_rejoin(turn, previous, taken.role, taken.delegation_id, taken.bind_chat)
        member = previous
    assert member is not None
    turn.member = member
    name = turn.ctx.user.display_name or turn.ctx.user.user_id
    what = await turn.delegation_name(taken.delegation_id) or turn.say(f"role.{taken.role.value}")
    await turn.audit(
        "join",
        role=taken.role.value,
        delegation=what,
        previous=previous.role.value if previous else "",
        chat=turn.ctx.chat.chat_id if taken.bind_chat else "",
    )
    if taken.bind_chat:
        turn.reply("setup.chat_bound", title=meeting.title)
    seated = turn.ctx.private and turn.ctx.seat
    if seated:
        await _seat(turn, meeting.id)
    joined = Text(turn.say("setup.joined", name=name, what=what, title=meeting.title))
    if turn.ctx.private and not seated:
        turn.send(joined)  # the private chat is not one of the meeting's chats
    # Delegates join in bursts (the codes go out together): the chats hear of them in one message.
    line = turn.say("setup.joined_line", name=name, what=what)
    together = Digest("setup.joined_together", turn.lang, line, (("title", meeting.title),))
    await turn.broadcast(joined, digest=together)


async def _seat(turn: Turn, meeting_id: int) -> None:
    """The member's one-to-one chat becomes one of the meeting's chats (the latest meeting joined)."""
    bound = await turn.store.meeting_for_chat(turn.ctx.chat)
    if bound is not None and bound.id == meeting_id:
        return
    if bound is not None:
        await turn.store.unbind_chat(turn.ctx.chat)
    await turn.store.bind_chat(meeting_id, turn.ctx.chat, turn.now)


async def _check_rejoin(
    turn: Turn, previous: Member, role: Role, delegation_id: int | None, bind_chat: bool
) -> None:
    """A person takes part as one delegation or role per meeting; a second code does not move them.

    Refusing rolls the code back too: it stays valid for the person it was meant for."""
    meeting = turn.need_meeting()
    delegations = await turn.store.delegations(meeting.id)
    current = capacity(turn, previous.role, previous.delegation_id, delegations)
    if (previous.role, previous.delegation_id) == (role, delegation_id):
        if bind_chat:
            return  # the same secretariat linking one more chat
        turn.refuse("error.already_joined", title=meeting.title, what=current)
    members = await turn.store.members(meeting.id)
    turn.refuse(
        "error.joined_as_other",
        current=current,
        wanted=capacity(turn, role, delegation_id, delegations),
        secretariat=secretariat_names(members),
        number=number_of(previous, members),
        place=place_word(turn, role, delegation_id, delegations),
        prefix=turn.ctx.prefix,
    )
