"""The `draftbot` command: demo, console, run, serve, template, slack-manifest."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.logs import configure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="draftbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="play a whole scripted meeting and write the final .docx")
    demo.add_argument("--out", type=Path, default=Path("out"), help="folder for the database and documents")
    demo.add_argument("--quiet", action="store_true", help="print only the path of the final report")
    console = sub.add_parser("console", help="play several users at this terminal")
    console.add_argument("--out", type=Path, default=Path("out"), help="folder for documents")
    sub.add_parser("run", help="start every chat platform whose credentials are set")
    serve = sub.add_parser("serve", help="serve the demo meeting's web page and print a one-time link")
    serve.add_argument("--out", type=Path, default=Path("out"), help="folder of the demo's database")
    serve.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (default 8080)")
    sub.add_parser("slack-manifest", help="print the Slack app manifest, its /draft hint from the commands")
    from bot.documents.template_cli import add_parser as add_template_parser

    add_template_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "slack-manifest":  # prints a file's content: no logging set up
        from bot.slack.manifest import manifest_text

        sys.stdout.write(manifest_text())
        return 0
    # The demo and the console print a conversation; only `run`, a service, logs what it does.
    if args.command == "run":
        from bot.settings import Settings, SettingsError

        try:
            settings = Settings.from_env()
        except SettingsError as error:
            print(f"draftbot run: {error}", file=sys.stderr, flush=True)
            return 2
        configure(logging.INFO, json_lines=settings.log_format == "json")
    else:
        configure(logging.WARNING, json_lines=False)
    if args.command == "demo":
        from bot.demo import run_demo

        path = asyncio.run(run_demo(args.out, quiet=args.quiet))
        print(f"\nFinal report: {path.resolve()}")
        return 0
    if args.command == "template":
        from bot.documents.template_cli import run as run_template

        return asyncio.run(run_template(args))
    if args.command == "console":
        from bot.console_repl import repl

        return asyncio.run(repl(args.out))
    if args.command == "serve":
        from bot.web.serve import serve as serve_page

        return asyncio.run(serve_page(args.out, port=args.port))
    from bot.runner import run

    return asyncio.run(run(settings))


if __name__ == "__main__":
    sys.exit(main())
