"""`panel`: a private one-time link to the meeting's web page."""

from __future__ import annotations

from drafting.panel import LINK_TTL, new_secret, secret_hash
from drafting.replies import Delivery, Text
from drafting.turn import Turn


async def panel(turn: Turn) -> None:
    meeting = turn.need_meeting()
    turn.need_member()
    if not turn.public_url:
        turn.refuse("error.panel_off")
    token = new_secret()
    await turn.store.add_panel_link(
        meeting.id, turn.ctx.user, secret_hash(token), turn.now, turn.now + LINK_TTL
    )
    await turn.audit("panel")
    link = f"{turn.public_url.rstrip('/')}/m/{meeting.id}/t/{token}"
    minutes = int(LINK_TTL.total_seconds() // 60)
    text = Text(turn.say("setup.panel_link", link=link, minutes=minutes, prefix=turn.ctx.prefix))
    if turn.ctx.private:
        turn.send(text)
        return
    turn.out.append(
        Delivery(
            text,
            private_to=turn.ctx.user,
            notice=Text(turn.say("setup.panel_sent_privately")),
            fallback=Text(turn.say("setup.panel_private_failed", prefix=turn.ctx.prefix)),
        )
    )
