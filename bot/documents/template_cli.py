"""`draftbot template check FILE` and `draftbot template install FILE [--meeting ID] [--format NAME]`.

`check` says whether a .docx can be a Word template and, when not, what is missing (exit status 1).
`install` checks it and keeps it in the database: for one meeting (its format), or without --meeting
as the server's default for a format (--format, default informe), which every meeting of that format
uses unless it has its own. The database is the one `draftbot run` uses (DATABASE_URL).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from bot.settings import Settings
from drafting.handlers.documents import describe_problem
from drafting.ports import StoredWordTemplate
from drafting.report import word_template
from drafting.report.formats import FORMATS
from storage.database import normalize_url
from storage.store import SqlStoreFactory


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    template = sub.add_parser("template", help="check or install a Word template (.docx)")
    actions = template.add_subparsers(dest="action", required=True)
    check = actions.add_parser("check", help="say whether a .docx can be a Word template")
    check.add_argument("file", type=Path)
    install = actions.add_parser("install", help="keep a Word template for a meeting or as the default")
    install.add_argument("file", type=Path)
    install.add_argument("--meeting", type=int, help="the meeting's id; without it, the server's default")
    install.add_argument("--format", choices=sorted(FORMATS), default="informe", help="without --meeting")


def problems_of(path: Path) -> list[str]:
    try:
        content = path.read_bytes()
    except OSError as exc:
        return [f"cannot read {path}: {exc.strerror or exc}"]
    return [describe_problem("en", p) for p in word_template.check(content)]


async def run(args: argparse.Namespace) -> int:
    problems = problems_of(args.file)
    if problems:
        print(f"{args.file} cannot be a Word template:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    if args.action == "check":
        print(f"{args.file} can be a Word template.")
        return 0
    stores = await SqlStoreFactory.open(normalize_url(Settings.from_env().database_url or None))
    try:
        async with stores.transaction() as store:
            fmt = args.format
            if args.meeting is not None:
                meeting = await store.meeting(args.meeting)
                if meeting is None:
                    print(f"There is no meeting {args.meeting}.")
                    return 1
                fmt = meeting.format
            stored = StoredWordTemplate(
                args.meeting, fmt, args.file.name[:200], args.file.read_bytes(), datetime.now(UTC)
            )
            await store.save_word_template(stored)
    finally:
        await stores.close()
    whose = f"meeting {args.meeting}" if args.meeting is not None else "every meeting without its own"
    print(f"Installed {args.file.name} as the {fmt} Word template for {whose}.")
    return 0
