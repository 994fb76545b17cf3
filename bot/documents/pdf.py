"""PDF from .docx with LibreOffice headless, outside the domain (the domain sees `PdfConverter`).

Each conversion runs its own `soffice` with its own profile directory (`-env:UserInstallation`) in a
temporary directory of its own: two LibreOffice processes sharing a profile lock each other out and one
of them exits without writing its file, so concurrent conversions must never share one. A conversion
that takes longer than the time limit is killed with its whole process group and reported as failed.

LibreOffice is optional: where `soffice` is not installed, `to_pdf` raises `ConversionUnavailable` and
the chat is told how to install it (Debian/Ubuntu: `apt-get install libreoffice-writer-nogui`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import tempfile
from pathlib import Path

from drafting.ports import ConversionFailed, ConversionUnavailable

DEFAULT_TIMEOUT = 120.0  # seconds; a first start on a loaded small machine takes tens of seconds


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


class LibreOfficeConverter:
    def __init__(self, soffice: str | None = None, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.soffice = soffice
        self.timeout = timeout

    async def to_pdf(self, filename: str, content: bytes) -> bytes:
        program = self.soffice or find_soffice()
        if program is None or (not Path(program).exists() and shutil.which(program) is None):
            raise ConversionUnavailable("LibreOffice (soffice) is not installed")
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(filename).stem).strip(".-")[:80] or "document"
        with tempfile.TemporaryDirectory(prefix="draftbot-pdf-") as work:
            root = Path(work)
            source = root / "in" / f"{stem}.docx"
            source.parent.mkdir()
            source.write_bytes(content)
            out = root / "out"
            process = await asyncio.create_subprocess_exec(
                program,
                f"-env:UserInstallation={(root / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--nologo",
                "--nolockcheck",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(source),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,  # its own process group, so a timeout kills its helpers too
            )
            try:
                _, err = await asyncio.wait_for(process.communicate(), self.timeout)
            except TimeoutError:
                _kill_group(process.pid)
                await process.wait()
                raise ConversionFailed(f"LibreOffice took more than {self.timeout:g} s") from None
            result = out / f"{stem}.pdf"
            if process.returncode != 0 or not result.is_file():
                why = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [
                    f"exit {process.returncode}"
                ]
                raise ConversionFailed(f"LibreOffice gave no PDF ({why[0][:160]})")
            return result.read_bytes()


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
