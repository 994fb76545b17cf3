"""Every role against every command: who may, and that a refusal changes nothing in the database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from drafting.commands import SPECS
from drafting.model import Role
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from storage.tables import Base
from tests.conftest import FakeClock
from tests.kit import DELEGATIONS, Room, set_up_meeting

# A valid request for each command, against the meeting the template sets up: point 1 proposed by
# Canadá with an open amendment, point 2 by Costa Rica.
REQUESTS = {
    "help": "help",
    "meeting": "meeting kind: extraordinaria",
    "delegations": "delegations " + "; ".join([*DELEGATIONS[:3], "Belice"]),
    "observers": "observers OIM, RROCM, ACNUR",
    "invite": "invite Canadá",
    "propose": "propose Tomar nota.",
    "sub": "sub 1 Se agradece.",
    "comment": "comment 1 De acuerdo.",
    "amend": "amend 2 Nuevo texto.",
    "accept": "accept 1",
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
    "preview": "preview",
    "template": "template reset",
}
# newmeeting and join are for anyone and are covered in test_meeting_flow.
assert set(REQUESTS) | {"newmeeting", "join"} == {s.name for s in SPECS}

PEOPLE = {
    "stranger": "stranger",
    Role.DELEGATE.value: "d1",  # Costa Rica: not the proposer of point 1
    Role.OBSERVER.value: "oim",
    Role.RAPPORTEUR.value: "rap",
    Role.CHAIR.value: "chair",
    Role.SECRETARIAT.value: "st",
}


def allowed(role: str, command: str) -> bool:
    spec = next(s for s in SPECS if s.name == command)
    if spec.roles is None:
        return True
    return role in {r.value for r in spec.roles}


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import asyncio

    path = tmp_path_factory.mktemp("template") / "meeting.db"

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
        await stores.close()

    asyncio.run(build())
    return path


async def snapshot(stores: SqlStoreFactory) -> dict[str, list[tuple[object, ...]]]:
    out: dict[str, list[tuple[object, ...]]] = {}
    async with stores.sessions() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table))).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


CASES = [(role, command) for role in PEOPLE for command in REQUESTS]


@pytest.mark.parametrize(("role", "command"), CASES)
async def test_each_role_may_use_exactly_its_commands(
    role: str, command: str, template_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "case.db"
    shutil.copy(template_db, db)
    stores = await SqlStoreFactory.open(f"sqlite:///{db}")
    try:
        service = DraftingService(stores, clock=FakeClock(), new_code=lambda: "NEWCODE123")
        before = await snapshot(stores)
        outcome = await Room(service).say(PEOPLE[role], REQUESTS[command])
        role_errors = {"error.role", "error.not_member", "error.not_proposer", "error.not_proposer_or_role"}
        if allowed(role, command):
            assert outcome.error not in role_errors, outcome.texts()
        else:
            assert outcome.error in role_errors, outcome.texts()
            assert outcome.texts() and outcome.texts()[0], "a refusal says why"
            assert await snapshot(stores) == before
    finally:
        await stores.close()


async def test_the_proposers_delegation_may_withdraw_and_accept(template_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "case.db"
    shutil.copy(template_db, db)
    stores = await SqlStoreFactory.open(f"sqlite:///{db}")
    try:
        room = Room(DraftingService(stores, clock=FakeClock()))
        assert (await room.say("d0", "accept 1")).ok
        assert (await room.say("d0", "withdraw 1")).ok
    finally:
        await stores.close()


async def test_a_refused_command_leaves_every_table_as_it_was(template_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "case.db"
    shutil.copy(template_db, db)
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
