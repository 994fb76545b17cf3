"""WhatsApp Business Cloud API adapter."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.dispatch import Dispatcher
    from bot.http import HttpServer
    from bot.settings import Settings
    from bot.whatsapp.adapter import WhatsAppAdapter
    from drafting.service import DraftingService


def build_whatsapp(
    service: DraftingService, dispatcher: Dispatcher, settings: Settings, http: HttpServer
) -> WhatsAppAdapter:
    from bot.whatsapp.adapter import WhatsAppAdapter
    from bot.whatsapp.config import WhatsAppConfig

    return WhatsAppAdapter(service, dispatcher, WhatsAppConfig.from_env(settings.whatsapp_variables()), http)
