"""Accept or reject every tracked change of a .docx in LibreOffice and print the text it then shows.

Run by the system Python, which has LibreOffice's `uno` module (Debian: python3-uno), not by the
project's virtualenv:

    /usr/bin/python3 tests/lo_tracked_changes.py accept|reject|count FILE.docx PROFILE_DIR

`accept` and `reject` print the document's paragraphs, one per line (a table's cells as
"| A1: text", their paragraphs joined by " / "), after LibreOffice's own
"Accept All" / "Reject All" (the commands its Edit > Track Changes menu runs); `count` prints how many
tracked changes LibreOffice found. Each run starts its own headless LibreOffice with the profile
directory given, so runs never share state, and stops it at the end.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

COMMANDS = {"accept": ".uno:AcceptAllTrackedChanges", "reject": ".uno:RejectAllTrackedChanges"}
CONNECT_SECONDS = 120  # a loaded 2-core machine can take long to start LibreOffice the first time


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(mode: str, path: str, profile: str) -> int:
    pipe = f"draftbot_{uuid.uuid4().hex}"
    soffice = subprocess.Popen(
        [
            "soffice",
            f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + CONNECT_SECONDS
        while True:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if time.monotonic() > deadline or soffice.poll() is not None:
                    print("LibreOffice did not start", file=sys.stderr)
                    return 2
                time.sleep(0.2)  # polling for the listener; no result depends on this pause
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        url = Path(path).resolve().as_uri()
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        try:
            if mode == "count":
                print(doc.getRedlines().getCount())
                return 0
            command = COMMANDS[mode]
            helper = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
            helper.executeDispatch(doc.getCurrentController().getFrame(), command, "", 0, ())
            left = doc.getRedlines().getCount()
            if left:
                print(f"{left} tracked changes left after {mode}", file=sys.stderr)
                return 3
            paragraphs = doc.getText().createEnumeration()
            while paragraphs.hasMoreElements():
                element = paragraphs.nextElement()
                if element.supportsService("com.sun.star.text.Paragraph"):
                    label = element.getPropertyValue("ListLabelString") or ""
                    print((label + " " if label else "") + element.getString())
                elif element.supportsService("com.sun.star.text.TextTable"):
                    for name in element.getCellNames():  # row by row: A1, B1, ..., A2, ...
                        text = element.getCellByName(name).getString()
                        print(f"| {name}: " + text.replace("\n", " / "))
        finally:
            doc.close(True)
        return 0
    finally:
        with contextlib.suppress(Exception):  # LibreOffice may already be gone
            desktop.terminate()
        try:
            soffice.wait(timeout=60)
        except subprocess.TimeoutExpired:
            soffice.kill()
            soffice.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
