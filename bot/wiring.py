"""The composition root: storage and the service, built once from the environment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.documents.pdf import LibreOfficeConverter
from drafting.service import DraftingService, utcnow
from storage.database import database_url, normalize_url
from storage.store import SqlStoreFactory


async def open_service(
    url: str | None = None, *, clock: Callable[[], datetime] = utcnow
) -> tuple[DraftingService, SqlStoreFactory]:
    stores = await SqlStoreFactory.open(normalize_url(url) if url else database_url())
    return DraftingService(stores, clock=clock, converter=LibreOfficeConverter()), stores
