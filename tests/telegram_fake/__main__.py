"""Play a meeting by hand (or by script) against `draftbot run`, with the fake Bot API server.

Two terminals, from the repository root:

    # 1. the fake Telegram on 127.0.0.1:8081; --play waits for the bot, then plays a whole meeting
    python -m tests.telegram_fake --play --out final.docx

    # 2. draftbot itself, pointed at it
    TELEGRAM_BOT_TOKEN=123456789:TEST-fake-token \\
    TELEGRAM_BASE_URL=http://127.0.0.1:8081/bot \\
    TELEGRAM_BASE_FILE_URL=http://127.0.0.1:8081/file/bot \\
    TELEGRAM_RATE_LIMITS=off DATABASE_URL=sqlite:///fake-meeting.db \\
    draftbot run

Without `--play`, the server just serves; then, from another terminal:

    python -m tests.telegram_fake play --out final.docx       # the scripted meeting
    python -m tests.telegram_fake say --as Ana "/nuevareunion
    titulo: INFORME DE PRUEBA"                                 # one message as a user (in the first group)
    python -m tests.telegram_fake say --as Ana --reply-to 12 "Un comentario"
    python -m tests.telegram_fake press --as Ana --message 14 Aprobar
    python -m tests.telegram_fake start --as Ana               # Ana opens a private chat with the bot
    python -m tests.telegram_fake log                          # what the bot wrote in the group
    python -m tests.telegram_fake log --as Ana                 # ... and to Ana privately

With Telegram's real pacing (leave out TELEGRAM_RATE_LIMITS=off) the meeting is slower: about one
message a second and twenty a minute in the group, as the real Telegram allows.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

import aiohttp

from tests.telegram_fake.control import HttpDriver, add_control
from tests.telegram_fake.scenario import play_meeting
from tests.telegram_fake.server import FakeTelegram

DEFAULT_PORT = 8081


async def serve(port: int, play: bool, out: Path) -> None:
    fake = FakeTelegram(port=port)
    add_control(fake)
    await fake.start()
    print(f"Fake Telegram Bot API on {fake.url} (bot @{fake.username}). Start draftbot with:\n")
    print(
        f"  TELEGRAM_BOT_TOKEN={fake.token} TELEGRAM_BASE_URL={fake.base_url} "
        f"TELEGRAM_BASE_FILE_URL={fake.base_file_url} TELEGRAM_RATE_LIMITS=off "
        "DATABASE_URL=sqlite:///fake-meeting.db draftbot run\n",
        flush=True,
    )
    try:
        if play:
            print("Waiting for the bot to connect…", flush=True)
            await run_play(fake.url, out)
        await asyncio.Event().wait()
    finally:
        await fake.stop()


async def run_play(url: str, out: Path, quiet: float = 0.3) -> None:
    async with HttpDriver(url, quiet=quiet) as driver:
        await driver.connect()
        played = await play_meeting(driver, say=True)
        out.write_bytes(played.final)
        print(f"Wrote {out.resolve()} ({len(played.final)} bytes); the bot is still running.", flush=True)


async def _request(url: str, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method,
            url + path,
            json=payload if method == "POST" else None,
            params=payload if method == "GET" else None,
        ) as response,
    ):
        if response.status >= 400:
            raise SystemExit(f"{path}: {response.status} {await response.text()}")
        return await response.json()


async def act(args: argparse.Namespace) -> None:
    url = args.url.rstrip("/")
    if args.command == "log":
        chat_id = (await _user(url, args.who))["id"] if args.who else await _chat_id(url, args.chat)
        for message in await _request(url, "GET", "/_fake/messages", {"chat_id": str(chat_id)}):
            text = message.get("text") or message.get("caption") or ""
            if "document" in message:
                text = f"📄 {message['document']['file_name']} — {text}"
            buttons = [
                b["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row
            ]
            print(f"#{message['message_id']}{' (edited)' if 'edit_date' in message else ''}")
            print("  " + text.replace("\n", "\n  ") + (f"\n  [{' | '.join(buttons)}]" if buttons else ""))
        return
    user = await _user(url, args.who)
    if args.command == "start":
        await _request(url, "POST", "/_fake/start", {"user_id": user["id"]})
    elif args.command == "say":
        payload = {"user_id": user["id"], "chat_id": await _chat_id(url, args.chat), "text": args.text}
        if args.reply_to:
            payload["reply_to"] = args.reply_to
        if args.thread:
            payload["thread"] = args.thread
        message = await _request(url, "POST", "/_fake/send", payload)
        print(f"sent #{message['message_id']}")
    elif args.command == "press":
        payload = {
            "user_id": user["id"],
            "chat_id": await _chat_id(url, args.chat),
            "message_id": args.message,
        }
        await _request(url, "POST", "/_fake/press", dict(payload, label=args.label))
    # The bot answers from its outbox, a few database transactions after taking the update: on a
    # loaded machine that can take longer than half a second.
    await _request(url, "POST", "/_fake/settle", {"quiet": 1.5, "timeout": 60})


async def _user(url: str, name: str | None) -> Any:
    return await _request(url, "POST", "/_fake/user", {"name": name or "Ana"})


async def _chat_id(url: str, chat: int | None) -> int:
    if chat is not None:
        return chat
    return int((await _request(url, "GET", "/_fake/group"))["id"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.telegram_fake",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument(
        "--play", action="store_true", help="once the bot connects, play the scripted meeting"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("final.docx"), help="where --play saves the final report"
    )
    sub = parser.add_subparsers(dest="command")
    url = f"http://127.0.0.1:{DEFAULT_PORT}"
    play = sub.add_parser("play", help="play the scripted meeting against a running fake server and bot")
    play.add_argument("--url", default=url)
    play.add_argument("--out", type=Path, default=Path("final.docx"))
    play.add_argument("--quiet", type=float, default=0.3, help="seconds of bot silence that end a step")
    for name, help_text in (
        ("say", "send a message as a user"),
        ("press", "press a button on a bot message"),
        ("start", "a user opens a private chat with the bot"),
        ("log", "print the bot's messages in a chat"),
    ):
        command = sub.add_parser(name, help=help_text)
        command.add_argument("--url", default=url)
        command.add_argument("--as", dest="who", help="the user's name (created on first use)")
        command.add_argument("--chat", type=int, help="chat id (default: the first group)")
        if name == "say":
            command.add_argument("--reply-to", type=int, help="message id to reply to")
            command.add_argument("--thread", type=int, help="forum topic id")
            command.add_argument("text")
        if name == "press":
            command.add_argument("--message", type=int, required=True, help="the card's message id")
            command.add_argument("label", help="the button's label, e.g. Aprobar")
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            asyncio.run(serve(args.port, args.play, args.out))
        elif args.command == "play":
            asyncio.run(run_play(args.url, args.out, args.quiet))
        else:
            asyncio.run(act(args))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
