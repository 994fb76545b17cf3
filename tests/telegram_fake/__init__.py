"""A fake Telegram Bot API server, the harness that drives the real adapter against it, and a
scripted meeting; `python -m tests.telegram_fake --help` to play one by hand against `draftbot run`."""
