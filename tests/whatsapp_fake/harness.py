"""The real WhatsApp adapter on the process's HTTP server, against the fake Graph API.

The webhook answers once the message's effect is committed and its deliveries put into the outbox;
a simulated person's `say` then waits until the adapter's outbox has sent what it put, so when it
returns everything they caused is visible: no timing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

from bot.dispatch import Dispatcher
from bot.http import HttpServer
from bot.whatsapp.adapter import WhatsAppAdapter
from bot.whatsapp.config import Pacing, Template, WhatsAppConfig
from drafting.service import DraftingService
from tests.whatsapp_fake.server import FakeGraph
from tests.whatsapp_fake.user import Network, Person

TOKEN = "EAAG-test-access-token"
PHONE_ID = "1100220033"
SECRET = "app-secret-for-tests"
VERIFY = "verify-me"
TEMPLATES = {"es": Template("puntos_nuevos", "es"), "en": Template("new_points", "en")}
# Unpaced, and rate-limit answers waited out briefly: a test that paces says so itself.
TEST_PACING = Pacing(per_second=0, per_person_per_minute=0, backoff=0.05, retries=3)


@dataclass
class WhatsAppRun:
    graph: FakeGraph
    network: Network
    adapter: WhatsAppAdapter
    http: HttpServer
    people: dict[str, Person] = field(default_factory=dict)

    def person(self, name: str, *, bsuid: bool = True, phone: bool = True) -> Person:
        if name not in self.people:
            n = len(self.people) + 1
            self.people[name] = Person(
                self.network, name, f"5025550{n:04d}" if phone else "", f"GT.{90000 + n}" if bsuid else None
            )
            if phone and bsuid:
                self.graph.aliases[f"GT.{90000 + n}"] = f"5025550{n:04d}"
        return self.people[name]


@asynccontextmanager
async def whatsapp_bot(
    service: DraftingService,
    clock: Callable[[], datetime],
    dispatcher: Dispatcher | None = None,
    *,
    pacing: Pacing = TEST_PACING,
    graph: FakeGraph | None = None,
) -> AsyncIterator[WhatsAppRun]:
    """One worker; given a `graph` (another worker's), it shares that number and leaves it running."""
    own = graph is None
    if graph is None:
        templates = {(t.name, t.language) for t in TEMPLATES.values()}
        graph = FakeGraph(TOKEN, PHONE_ID, clock, templates=templates)
        await graph.start()
    config = WhatsAppConfig(
        TOKEN, PHONE_ID, SECRET, VERIFY, graph_url=graph.base_url, templates=TEMPLATES, pacing=pacing
    )
    http = HttpServer([("127.0.0.1", 0)])
    adapter = WhatsAppAdapter(service, dispatcher or Dispatcher(), config, http, clock=clock)
    await http.start()
    await adapter.start()
    network = Network(graph, f"http://127.0.0.1:{http.port}/whatsapp", SECRET, settle=adapter.outbox.drain)
    try:
        yield WhatsAppRun(graph, network, adapter, http)
    finally:
        await http.stop()
        await adapter.stop()
        if own:
            await graph.stop()
