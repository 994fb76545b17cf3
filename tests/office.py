"""LibreOffice for the tests: find it, or skip (only outside CI) saying how to install it.

In CI (`CI` set) a missing LibreOffice fails the test instead: `.ci/run` installs it, so the PDF and
tracked-changes tests always run there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

INSTALL = "apt-get install libreoffice-writer-nogui python3-uno poppler-utils"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno installs `uno` for this interpreter
TRACKED_CHANGES_SCRIPT = Path(__file__).with_name("lo_tracked_changes.py")


def _missing(what: str) -> None:
    message = f"{what} is not installed; {INSTALL}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def need_soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        _missing("LibreOffice (soffice)")
    assert found is not None
    return found


def need_uno() -> str:
    need_soffice()
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    if probe.returncode != 0:
        _missing("LibreOffice's Python bridge (python3-uno)")
    return SYSTEM_PYTHON


def libreoffice_after(mode: str, data: bytes, tmp_path: Path) -> list[str]:
    """The paragraphs LibreOffice shows after "Accept All" (`accept`) or "Reject All" (`reject`),
    empty ones left out, each prefixed with its list label ("1.", "a.") when it has one."""
    python = need_uno()
    source = tmp_path / f"{mode}-{len(list(tmp_path.iterdir()))}.docx"
    source.write_bytes(data)
    profile = tmp_path / f"profile-{source.stem}"
    done = subprocess.run(
        [python, str(TRACKED_CHANGES_SCRIPT), mode, str(source), str(profile)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [" ".join(line.split()) for line in done.stdout.splitlines() if line.strip()]


def libreoffice_count(data: bytes, tmp_path: Path) -> int:
    """How many tracked changes LibreOffice finds in the document."""
    python = need_uno()
    source = tmp_path / f"count-{len(list(tmp_path.iterdir()))}.docx"
    source.write_bytes(data)
    done = subprocess.run(
        [python, str(TRACKED_CHANGES_SCRIPT), "count", str(source), str(tmp_path / f"profile-{source.stem}")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip())
