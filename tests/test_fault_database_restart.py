"""PostgreSQL goes away in the middle of a meeting and comes back.

Every test here runs against a private, throw-away PostgreSQL cluster (initdb into a temporary
directory, its own port and socket directory), never against the shared server on 127.0.0.1:5432,
because the tests stop and start it. While the server is down every command must be answered with the
catalogue's "please retry" message — never silence, never an exception escaping the service; once it
is back the very next command must succeed on the same `DraftingService` (the connection pool
reconnects by itself), and nothing acknowledged before the outage may be lost.

Skipped, saying why, when the PostgreSQL server binaries (initdb, pg_ctl) are not installed, or when
running as root on a machine without a `postgres` OS user to run them as.
"""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from drafting.i18n import t
from drafting.model import Position
from drafting.ports import PressRecord, PressStore, Store
from drafting.replies import Outcome
from drafting.service import DraftingService
from storage.database import IDLE_PING, normalize_url
from storage.store import SqlStoreFactory
from storage.tables import CommentRow, PositionHistoryRow, PositionRow, ProcessedUpdateRow
from tests.conftest import FakeClock
from tests.kit import Room, card_in, set_up_meeting

RETRY_ES = t("es", "error.retry")


# ---- a private PostgreSQL cluster ---------------------------------------------------------------


def _postgres_bin() -> Path | None:
    """The newest installed server's bin directory (Debian layout), or whatever PATH offers."""
    candidates = sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if (Path(p) / "initdb").is_file()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1]
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateCluster:
    """initdb + pg_ctl on a temporary directory; run as the `postgres` OS user when we are root."""

    def __init__(self, bindir: Path, as_user: str | None) -> None:
        self.bindir = bindir
        self.as_user = as_user
        self.root = Path(tempfile.mkdtemp(prefix="draftbot-fault-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        if as_user is not None:
            entry = pwd.getpwnam(as_user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    @property
    def url(self) -> str:
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_user is not None:
            command = ["runuser", "-u", self.as_user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if check and result.returncode != 0:
            server_log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}\n"
                f"{server_log}"
            )
        return result

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c max_connections=50 -c shared_buffers=16MB"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def destroy(self) -> None:
        if self.data.exists() and self.running():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivateCluster]:
    bindir = _postgres_bin()
    if bindir is None or not (bindir / "pg_ctl").is_file():
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed: no private cluster")
    as_user: str | None = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no `postgres` OS user to run initdb/pg_ctl as")
        if shutil.which("runuser") is None:
            pytest.skip("running as root and `runuser` is not available to drop to the postgres user")
        as_user = "postgres"
    server = PrivateCluster(bindir, as_user)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.destroy()


async def _admin(url: str, sql: str) -> None:
    engine = create_async_engine(normalize_url(url), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql(sql)
    finally:
        await engine.dispose()


@pytest.fixture
async def stores(cluster: PrivateCluster) -> AsyncIterator[SqlStoreFactory]:
    """A SqlStoreFactory on a fresh database of the private cluster, the server up."""
    if not cluster.running():
        cluster.start()
    name = f"draftbot_fault_{uuid.uuid4().hex[:12]}"
    await _admin(cluster.url, f'CREATE DATABASE "{name}"')
    factory = await SqlStoreFactory.open(cluster.database_url(name))
    try:
        yield factory
    finally:
        await factory.close()
        if not cluster.running():
            cluster.start()
        await _admin(cluster.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def service(stores: SqlStoreFactory, clock: FakeClock) -> DraftingService:
    codes = iter(f"CODE{n:06d}" for n in range(1, 1_000_000))
    return DraftingService(stores, clock=clock, new_code=lambda: next(codes))


# ---- helpers -------------------------------------------------------------------------------------


def assert_retry(outcome: Outcome) -> None:
    """The user is told to retry, in the catalogue's words; nothing else is delivered."""
    assert outcome.error == "error.retry", outcome.texts()
    assert not outcome.ok
    assert not outcome.duplicate
    assert outcome.texts() == [RETRY_ES]


Stances = set[tuple[int, str, str]]  # (point id, delegation name, stance)


async def stances(stores: SqlStoreFactory, meeting_id: int) -> Stances:
    async with stores.transaction() as store:
        names = {d.id: d.name for d in await store.delegations(meeting_id)}
        return {
            (p.point_id, names[p.delegation_id], p.stance.value)
            for p in await store.positions_for_meeting(meeting_id)
        }


# ---- a database stopped between commands --------------------------------------------------------


@pytest.mark.parametrize("mode", ["fast", "immediate"])
async def test_a_database_restart_mid_meeting_asks_users_to_retry_and_loses_nothing(
    cluster: PrivateCluster, stores: SqlStoreFactory, service: DraftingService, mode: str
) -> None:
    room = Room(service)
    people = await set_up_meeting(room)
    ca, cr, sv, gt, hn = (people[n] for n in ("Canadá", "Costa Rica", "El Salvador", "Guatemala", "Honduras"))
    first = card_in(await room.say(ca, "proponer Agradecer a la Secretaría Técnica."))
    second = card_in(await room.say(cr, "proponer Tomar nota del informe de la OIM."))
    p1, p2 = first.point_id, second.point_id
    acknowledged = [
        await room.say(ca, f"aprobar {first.label}"),
        await room.press(cr, p1, "approve"),
        await room.press(sv, p1, "object", "Falta consultar a capital"),
        await room.say(gt, f"abstenerse {second.label}"),
        await room.say(people["OIM"], f"comentar {second.label} Ofrecemos apoyo técnico."),
        await room.say(hn, f"aprobar {second.label}", dedup_key="update-100"),
    ]
    assert all(o.ok for o in acknowledged), [o.texts() for o in acknowledged if not o.ok]
    before = await stances(stores, first.meeting_id)
    assert before == {
        (p1, "Canadá", "approve"),
        (p1, "Costa Rica", "approve"),
        (p1, "El Salvador", "object"),
        (p2, "Guatemala", "abstain"),
        (p2, "Honduras", "approve"),
    }
    history, comments, claims = (
        await stores.count(PositionHistoryRow),
        await stores.count(CommentRow),
        await stores.count(ProcessedUpdateRow),
    )
    assert (history, comments, claims) == (5, 1, 1)

    cluster.stop(mode)
    assert not cluster.running()

    # Every entry point an adapter uses answers "please retry" while the database is away.
    during = [
        await room.say(gt, f"aprobar {first.label}"),  # a typed command
        await room.press(hn, p1, "approve"),  # a button
        await room.press(ca, p1, "object", "Motivo"),  # a button with a reason
        await room.say(sv, f"aprobar {first.label}", dedup_key="update-101"),  # with the platform's update id
        await room.say(people["rapporteur"], "puntos"),  # a read-only command
        await room.say(people["OIM"], "comentar Gracias", thread_point_id=p2),  # typed in a point's thread
        await service.comment(room.ctx(people["RROCM"]), p2, "Apoyamos."),  # a plain reply in a thread
        await room.say("stranger", "palabras sin comando"),  # even a message that does not parse
        await room.say(people["st"], "nuevareunion\ntitulo: Otra"),  # and one that would create a meeting
    ]
    for outcome in during:
        assert_retry(outcome)

    cluster.start()

    # The very next command on the same service succeeds: the pool replaced its dead connections.
    after = await room.say(gt, f"aprobar {first.label}")
    assert after.ok, after.texts()
    # The update that failed during the outage was not recorded as processed: its redelivery counts,
    # once; a second redelivery is recognised as a duplicate.
    retried = await room.say(sv, f"aprobar {first.label}", dedup_key="update-101")
    assert retried.ok and not retried.duplicate, retried.texts()
    assert (await room.say(sv, f"aprobar {first.label}", dedup_key="update-101")).duplicate
    # An update acknowledged before the outage is still known after it.
    assert (await room.say(hn, f"aprobar {second.label}", dedup_key="update-100")).duplicate

    # Nothing acknowledged before the stop was lost; nothing sent during it was half-applied.
    assert await stances(stores, first.meeting_id) == {
        (p1, "Canadá", "approve"),
        (p1, "Costa Rica", "approve"),
        (p1, "El Salvador", "approve"),  # the redelivered update-101 replaced the objection
        (p1, "Guatemala", "approve"),
        (p2, "Guatemala", "abstain"),
        (p2, "Honduras", "approve"),
    }
    assert await stores.count(PositionHistoryRow) == history + 2
    assert await stores.count(CommentRow) == comments
    assert await stores.count(ProcessedUpdateRow) == claims + 1
    card = await service.card(p2)
    assert card is not None
    assert {(p.delegation, p.stance) for p in card.positions if p.stance} == {
        ("Guatemala", "abstain"),
        ("Honduras", "approve"),
    }


@pytest.mark.parametrize("mode", ["fast", "immediate"])
async def test_after_a_restart_nobody_asked_anything_during_the_next_commands_simply_succeed(
    cluster: PrivateCluster, stores: SqlStoreFactory, service: DraftingService, mode: str
) -> None:
    """The pool's connections all went with the old server, and no failed command during the outage
    had them replaced: a connection idle in the pool is checked when it is taken out (issue 12: not at
    every transaction, which costs a press a round trip)."""
    room = Room(service)
    people = await set_up_meeting(room)
    first = card_in(await room.say(people["Canadá"], "proponer Agradecer a la Secretaría Técnica."))
    cluster.stop(mode)
    cluster.start()
    await asyncio.sleep(IDLE_PING + 0.1)  # not a measure: the pooled connections have been idle since
    after = [
        await room.say(people["Costa Rica"], f"aprobar {first.label}"),
        await room.press(people["El Salvador"], first.point_id, "approve"),
        await room.say(people["rapporteur"], "puntos"),
    ]
    assert all(o.ok for o in after), [o.texts() for o in after]


# ---- a database that dies inside a transaction ---------------------------------------------------


class DyingStores:
    """A StoreFactory that stops the server (immediate: as if it crashed) inside the next command's
    transaction once armed: either right after the update id is claimed ("after_claim": the command's
    own reads and writes then hit a dead connection) or after the position is written, just before
    COMMIT ("before_commit": only the commit fails)."""

    def __init__(self, inner: SqlStoreFactory, cluster: PrivateCluster, moment: str) -> None:
        self.inner = inner
        self.press_lanes = inner.press_lanes
        self.cluster = cluster
        self.moment = moment
        self.armed = False
        self.fired = False

    def _die(self) -> None:
        self.armed = False
        self.fired = True
        self.cluster.stop("immediate")

    def read(self) -> AbstractAsyncContextManager[Store]:
        return self.inner.read()

    def once(self, *, writes: bool = False) -> AbstractAsyncContextManager[Store]:
        return self.inner.once(writes=writes)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Store]:
        async with self.inner.transaction() as store:
            wrote = False
            claim, put = store.claim_update, store.put_position

            async def claim_update(platform: str, key: str, at: datetime) -> bool:
                claimed = await claim(platform, key, at)
                if self.armed and self.moment == "after_claim":
                    await asyncio.to_thread(self._die)
                return claimed

            async def put_position(position: Position, point_version: int) -> None:
                nonlocal wrote
                await put(position, point_version)
                wrote = True

            record = store.record_press

            async def record_press(press: PressRecord, at: datetime) -> int | None:
                nonlocal wrote
                version = await record(press, at)
                wrote = True
                return version

            store.claim_update = claim_update  # type: ignore[method-assign]
            store.put_position = put_position  # type: ignore[method-assign]
            store.record_press = record_press  # type: ignore[method-assign]
            yield store
            if wrote and self.armed and self.moment == "before_commit":
                await asyncio.to_thread(self._die)

    @asynccontextmanager
    async def press(self) -> AsyncIterator[PressStore]:
        """The press path's own transaction, dying just before COMMIT like `transaction`."""
        async with self.inner.press() as store:
            wrote = False
            record = store.record_presses

            async def record_presses(presses: Sequence[PressRecord], at: datetime) -> None:
                nonlocal wrote
                await record(presses, at)
                wrote = bool(presses)

            store.record_presses = record_presses  # type: ignore[method-assign]
            yield store
            if wrote and self.armed and self.moment == "before_commit":
                await asyncio.to_thread(self._die)


@pytest.mark.parametrize("moment", ["after_claim", "before_commit"])
async def test_a_server_dying_inside_a_transaction_rolls_it_back_and_asks_to_retry(
    cluster: PrivateCluster, stores: SqlStoreFactory, clock: FakeClock, moment: str
) -> None:
    codes = iter(f"CODE{n:06d}" for n in range(1, 1_000_000))
    dying = DyingStores(stores, cluster, moment)
    room = Room(DraftingService(dying, clock=clock, new_code=lambda: next(codes)))
    people = await set_up_meeting(room)
    mx, pa = people["México"], people["Panamá"]
    card = card_in(await room.say(mx, "proponer Encomendar a la Secretaría Técnica."))
    assert (await room.press(pa, card.point_id, "approve")).ok

    dying.armed = True
    outcome = await room.say(mx, f"aprobar {card.label}", dedup_key="update-7")
    assert dying.fired and not cluster.running()
    assert_retry(outcome)

    cluster.start()
    # The claim of update-7 rolled back with the rest of its transaction: the platform's redelivery
    # is processed (not taken for a duplicate), and counted once.
    redelivered = await room.say(mx, f"aprobar {card.label}", dedup_key="update-7")
    assert redelivered.ok and not redelivered.duplicate, redelivered.texts()
    assert (await room.say(mx, f"aprobar {card.label}", dedup_key="update-7")).duplicate
    assert await stances(stores, card.meeting_id) == {
        (card.point_id, "Panamá", "approve"),
        (card.point_id, "México", "approve"),
    }
    assert await stores.count(PositionRow) == 2
    assert await stores.count(PositionHistoryRow) == 2


async def test_a_server_dying_before_a_button_press_commits_rolls_it_back_and_asks_to_retry(
    cluster: PrivateCluster, stores: SqlStoreFactory, clock: FakeClock
) -> None:
    codes = iter(f"CODE{n:06d}" for n in range(1, 1_000_000))
    dying = DyingStores(stores, cluster, "before_commit")
    room = Room(DraftingService(dying, clock=clock, new_code=lambda: next(codes)))
    people = await set_up_meeting(room)
    mx, pa = people["México"], people["Panamá"]
    card = card_in(await room.say(mx, "proponer Encomendar a la Secretaría Técnica."))
    assert (await room.press(pa, card.point_id, "approve")).ok

    dying.armed = True
    outcome = await room.service.press(room.ctx(mx, dedup_key="cb:7"), card.point_id, "approve")
    assert dying.fired and not cluster.running()
    assert_retry(outcome)

    cluster.start()
    # Nothing of the press was kept, its claim included: the redelivery counts, once.
    redelivered = await room.service.press(room.ctx(mx, dedup_key="cb:7"), card.point_id, "approve")
    assert redelivered.ok and not redelivered.duplicate, redelivered.texts()
    assert (await room.service.press(room.ctx(mx, dedup_key="cb:7"), card.point_id, "approve")).duplicate
    assert await stances(stores, card.meeting_id) == {
        (card.point_id, "Panamá", "approve"),
        (card.point_id, "México", "approve"),
    }
    assert await stores.count(PositionHistoryRow) == 2


# ---- a restart nobody noticed --------------------------------------------------------------------


async def test_after_a_quiet_restart_the_first_command_finds_fresh_connections(
    cluster: PrivateCluster, stores: SqlStoreFactory, service: DraftingService
) -> None:
    """Nobody wrote while the server restarted, so no failed request has told the pool its connections
    are dead: the pool must notice by itself (pre-ping) rather than make the next user retry."""
    room = Room(service)
    people = await set_up_meeting(room)
    card = card_in(await room.say(people["Honduras"], "proponer Tomar nota del informe."))
    # several pooled connections, all of them about to go stale
    warm = await asyncio.gather(*(room.say(people[n], f"aprobar {card.label}") for n in ("Canadá", "México")))
    assert all(o.ok for o in warm)

    cluster.stop("fast")
    cluster.start()

    outcomes = [await room.press(people[n], card.point_id, "approve") for n in ("Panamá", "Honduras")]
    assert [o.error for o in outcomes] == [None, None], [o.texts() for o in outcomes]
    assert {name for _, name, _ in await stances(stores, card.meeting_id)} == {
        "Canadá",
        "México",
        "Panamá",
        "Honduras",
    }
