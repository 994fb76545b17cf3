"""Make typed text safe to put in an XML 1.0 document (a .docx is XML).

XML 1.0 allows tab, line feed, carriage return, U+0020–U+D7FF, U+E000–U+FFFD and U+10000–U+10FFFF.
Everything else — the other C0 control characters (NUL, BEL, vertical tab, form feed, ESC …),
U+FFFE/U+FFFF and lone surrogates (which Python strings can hold after a bad decode) — is removed.
The stored text stays exactly as typed; only rendering cleans it, so nothing typed can break a document.
"""

from __future__ import annotations

import re

_INVALID_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 forbids; the same object when there are none."""
    if _INVALID_XML.search(text) is None:
        return text
    return _INVALID_XML.sub("", text)


def has_invalid_xml(text: str) -> bool:
    """True when `text` holds a character XML 1.0 forbids."""
    return _INVALID_XML.search(text) is not None
