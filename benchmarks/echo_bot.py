"""A bare python-telegram-bot echo bot: the yardstick for benchmarks/load.py.

Nothing but python-telegram-bot's defaults: it answers every button press (answerCallbackQuery, with a
short text) and sends back every text message (sendMessage). No database, no state.

    TELEGRAM_BOT_TOKEN=… TELEGRAM_BASE_URL=… python benchmarks/echo_bot.py            # long polling
    … TELEGRAM_WEBHOOK_URL=http://127.0.0.1:8443/telegram TELEGRAM_WEBHOOK_SECRET=… \\
      ECHO_PORT=8443 python benchmarks/echo_bot.py                                     # webhook

In webhook mode it uses python-telegram-bot's own webhook server (`run_webhook`), which answers 200 as
soon as the update is queued and processes updates one at a time, as its polling does.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters


async def on_press(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("ok")


async def on_text(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


def main() -> None:
    env = os.environ
    app = (
        ApplicationBuilder()
        .token(env["TELEGRAM_BOT_TOKEN"])
        .base_url(env.get("TELEGRAM_BASE_URL") or "https://api.telegram.org/bot")
        .base_file_url(env.get("TELEGRAM_BASE_FILE_URL") or "https://api.telegram.org/file/bot")
        .build()
    )
    app.add_handler(CallbackQueryHandler(on_press))
    app.add_handler(MessageHandler(filters.TEXT, on_text))
    print("echo bot: starting", flush=True)
    if env.get("TELEGRAM_WEBHOOK_URL"):
        app.run_webhook(
            listen="127.0.0.1",
            port=int(env.get("ECHO_PORT", "8443")),
            url_path=env.get("TELEGRAM_WEBHOOK_PATH", "telegram"),
            webhook_url=env["TELEGRAM_WEBHOOK_URL"],
            secret_token=env.get("TELEGRAM_WEBHOOK_SECRET") or None,
            allowed_updates=["message", "callback_query"],
        )
    else:
        app.run_polling(allowed_updates=["message", "callback_query"], timeout=5)


if __name__ == "__main__":
    main()
