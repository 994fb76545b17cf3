"""The composition root: storage and the service, built once from the settings (bot.settings)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bot.documents.pdf import LibreOfficeConverter
from drafting.service import DraftingService, utcnow
from storage.database import normalize_url
from storage.journal_store import SqlJournal
from storage.store import SqlStoreFactory


async def open_service(
    url: str | None = None,
    *,
    clock: Callable[[], datetime] = utcnow,
    templates: Path | None = None,
    journal: bool = False,
) -> tuple[DraftingService, SqlStoreFactory]:
    """`url` None: the default SQLite file (storage.database); `templates` None: the shipped ones.
    `journal`: replies are journaled with their command, for a dispatcher that delivers them and
    sweeps what a dead worker left (`draftbot run`); not where outcomes are shown directly (the
    console, the demo), which would leave them to the next `draftbot run` on the same database."""
    stores = await SqlStoreFactory.open(normalize_url(url))
    service = DraftingService(
        stores,
        clock=clock,
        converter=LibreOfficeConverter(),
        templates=templates,
        journal=SqlJournal(stores) if journal else None,
    )
    return service, stores
