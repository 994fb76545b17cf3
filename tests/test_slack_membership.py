"""On Slack: the secretariat moves a member by mentioning them, by slash command or by mention."""

from __future__ import annotations

from drafting.service import DraftingService
from tests.slack_fake.harness import MEETING_ES, slack_world

ST, ANA, LUIS = "U0ST", "U0ANA", "U0LUIS"  # Slack user ids


async def test_a_slack_mention_names_the_member_to_move(service: DraftingService) -> None:
    async with slack_world(service) as world:
        await world.command(ST, MEETING_ES)
        await world.command(ST, "delegaciones Canadá, Costa Rica y El Salvador")
        await world.admit(ST, "Canadá", ANA)
        await world.admit(ST, "Costa Rica", LUIS)

        # A mention of the bot carries the other person as <@U…>; a slash command as typed, and
        # Slack names a slash command's sender by their handle.
        await world.mention(ST, "miembro <@U0ANA> Costa Rica")
        await world.command(ST, "miembro @u0luis El Salvador")

        texts = world.fake.texts(world.channel)
        assert any(
            t.startswith("La Secretaría Técnica cambió a u0ana: ahora Costa Rica, hasta ahora Canadá.")
            for t in texts
        ), texts
        assert any(
            t.startswith("La Secretaría Técnica cambió a u0luis: ahora El Salvador, hasta ahora Costa Rica.")
            for t in texts
        ), texts
