"""Every role against every command: who may, and that a refusal changes nothing in the database.

Who may is a literal table taken from the brief, so the code is checked against the brief and not
against itself: letting delegates `finalize` in drafting/commands.py fails the delegate-finalize case.
A new command fails until its row is written here."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from drafting.commands import SPECS
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.conftest import FakeClock
from tests.db_snapshot import snapshot
from tests.kit import DELEGATIONS, MEETING, Room, code_in, set_up_meeting

# Who may use each command, written out from the brief's command table (BRIEF.md, "The command
# language"), never derived from the code: a change in who may do what that is not also made here
# fails. `meeting` (change the meeting's data) is the secretariat's, who "sets the meeting up".
# `attendance` is asked with a list (setting it, the secretariat's); seeing it is anyone's.
# "The point's proposer" (accept, withdraw) is not a role: the row says what the role alone allows,
# and test_the_points_proposer_may_accept_and_withdraw_it covers the proposer.
TABLE = """
command      delegate  observer  rapporteur  chair  secretariat  non-member
help         yes       yes       yes         yes    yes          yes
newmeeting   yes       yes       yes         yes    yes          yes
meeting      no        no        no          no     yes          no
delegations  no        no        no          no     yes          no
observers    no        no        no          no     yes          no
invite       no        no        no          no     yes          no
join         yes       yes       yes         yes    yes          yes
propose      yes       yes       yes         no     no           no
sub          yes       yes       yes         no     no           no
comment      yes       yes       yes         yes    yes          no
amend        yes       yes       yes         no     no           no
accept       no        no        yes         no     no           no
reject       no        no        yes         no     no           no
attendance   no        no        no          no     yes          no
approve      yes       no        no          no     no           no
object       yes       no        no          no     no           no
abstain      yes       no        no          no     no           no
withdraw     no        no        no          no     no           no
silence      no        no        yes         yes    no           no
items        yes       yes       yes         yes    yes          yes
item         yes       yes       yes         yes    yes          yes
move         no        no        yes         no     no           no
compile      no        no        yes         no     no           no
finalize     no        no        yes         no     no           no
download     no        no        no          no     yes          no
resolve      no        no        yes         yes    no           no
member       no        no        no          no     yes          no
panel        yes       yes       yes         yes    yes          no
preview      yes       yes       yes         yes    yes          no
template     no        no        no          no     yes          no
confirm      yes       no        no          no     no           no
pending      yes       yes       yes         yes    yes          yes
remind       no        no        yes         yes    yes          no
"""


def _read_table(text: str) -> dict[str, dict[str, bool]]:
    header, *rows = (line.split() for line in text.strip().splitlines())
    roles = header[1:]
    table: dict[str, dict[str, bool]] = {}
    for command, *cells in rows:
        assert len(cells) == len(roles) and set(cells) <= {"yes", "no"}, command
        table[command] = {role: cell == "yes" for role, cell in zip(roles, cells, strict=True)}
    return table


ALLOWED = _read_table(TABLE)

# Who plays each column in the meeting the template sets up: point 1 proposed by Canadá (d0) with an
# open amendment, point 2 by Costa Rica (d1).
PEOPLE = {
    "delegate": "d1",  # Costa Rica: not the proposer of point 1
    "observer": "oim",
    "rapporteur": "rap",
    "chair": "chair",
    "secretariat": "st",
    "non-member": "stranger",
}
UNUSED_CODE = "{unused code}"  # replaced by an invitation the template issues and nobody uses
# A valid request for each command.
REQUESTS = {
    "help": "help",
    "newmeeting": MEETING,
    "meeting": "meeting kind: extraordinaria",
    "delegations": "delegations " + "; ".join([*DELEGATIONS[:3], "Belice"]),
    "observers": "observers OIM, RROCM, ACNUR",
    "invite": "invite Canadá",
    "join": f"join {UNUSED_CODE}",
    "propose": "propose Tomar nota.",
    "sub": "sub 1 Se agradece.",
    "comment": "comment 1 De acuerdo.",
    "amend": "amend 2 Nuevo texto.",
    "accept": "accept 1",
    "reject": "reject 1 1",
    "attendance": "attendance: Canadá, Costa Rica",
    "approve": "approve 1",
    "object": "object 1 Falta contexto",
    "abstain": "abstain 1",
    "withdraw": "withdraw 1",
    "silence": "silence 1 24h",
    "items": "items",
    "item": "item 1",
    "move": "move 2 1",
    "compile": "compile",
    "finalize": "finalize",
    "download": "download",
    "resolve": "resolve 2 1 2",
    "member": "member d1 Canadá",
    "panel": "panel",
    "preview": "preview",
    "template": "template reset",
    "confirm": "confirm 1",
    "pending": "pending",
    "remind": "remind 1",
}
ROLE_ERRORS = {"error.role", "error.not_member", "error.not_proposer", "error.not_proposer_or_role"}


def test_the_table_has_a_row_for_every_command_and_no_other() -> None:
    declared = {s.name for s in SPECS}
    assert set(ALLOWED) == declared, "a new command needs its row in TABLE (and a request in REQUESTS)"
    assert set(REQUESTS) == declared
    assert all(set(row) == set(PEOPLE) for row in ALLOWED.values())


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A meeting database to copy for each case, and an invitation code nobody has used."""
    import asyncio

    path = tmp_path_factory.mktemp("template") / "meeting.db"
    unused: list[str] = []

    async def build() -> None:
        stores = await SqlStoreFactory.open(f"sqlite:///{path}")
        service = DraftingService(
            stores, clock=FakeClock(), new_code=iter(f"CODE{n:06d}" for n in range(1, 999)).__next__
        )
        room = Room(service)
        await set_up_meeting(room, DELEGATIONS[:3])
        assert (await room.say("d0", "propose Agradecer a Honduras.")).ok
        assert (await room.say("d1", "propose Tomar nota del informe.")).ok
        assert (await room.say("d2", "amend 1 Agradecer a Honduras y a México.")).ok
        unused.append(code_in(await room.say("st", "invite OIM")))
        await stores.close()

    asyncio.run(build())
    return path, unused[0]


CASES = [(role, command) for command, row in ALLOWED.items() for role in row]


@pytest.mark.parametrize(("role", "command"), CASES)
async def test_each_role_may_use_exactly_its_commands(
    role: str, command: str, template: tuple[Path, str], tmp_path: Path
) -> None:
    template_db, code = template
    db = tmp_path / "case.db"
    shutil.copy(template_db, db)
    stores = await SqlStoreFactory.open(f"sqlite:///{db}")
    try:
        service = DraftingService(stores, clock=FakeClock(), new_code=lambda: "NEWCODE123")
        before = await snapshot(stores)
        outcome = await Room(service).say(PEOPLE[role], REQUESTS[command].replace(UNUSED_CODE, code))
        if ALLOWED[command][role]:
            assert outcome.error not in ROLE_ERRORS, outcome.texts()
        else:
            assert outcome.error in ROLE_ERRORS, outcome.texts()
            assert outcome.texts() and outcome.texts()[0], "a refusal says why"
            assert await snapshot(stores) == before
    finally:
        await stores.close()


async def test_the_points_proposer_may_accept_and_withdraw_it(
    template: tuple[Path, str], tmp_path: Path
) -> None:
    db = tmp_path / "case.db"
    shutil.copy(template[0], db)
    stores = await SqlStoreFactory.open(f"sqlite:///{db}")
    try:
        room = Room(DraftingService(stores, clock=FakeClock()))
        assert (await room.say("d0", "accept 1")).ok
        assert (await room.say("d0", "withdraw 1")).ok
    finally:
        await stores.close()


async def test_a_refused_command_leaves_every_table_as_it_was(
    template: tuple[Path, str], tmp_path: Path
) -> None:
    db = tmp_path / "case.db"
    shutil.copy(template[0], db)
    stores = await SqlStoreFactory.open(f"sqlite:///{db}")
    try:
        room = Room(DraftingService(stores, clock=FakeClock()))
        before = await snapshot(stores)
        bad = [
            ("d1", "approve 99"),
            ("d1", "propose " + "x" * 6000),
            ("d1", "propose con \x1b escape"),
            ("oim", "approve 1"),
            ("stranger", "comment 1 hola"),
            ("d1", "finalize"),
        ]
        for who, text in bad:
            outcome = await room.say(who, text, dedup_key=f"{who}:{text[:10]}")
            assert not outcome.ok
        assert await snapshot(stores) == before
    finally:
        await stores.close()
