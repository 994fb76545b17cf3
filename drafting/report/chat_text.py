"""A Markdown preview as a chat shows text: Slack's mrkdwn, or plain text elsewhere.

The previews (`render_preview(..., escape=False)`) mark title lines as whole-line `**bold**` and state
notes as a trailing `*(en discusión)*` (at the end of a line or of a table cell); only those two marks
are rewritten, so asterisks typed in a point's text stay as typed. Slack shows `*bold*` and
`_italics_`; Telegram and the console get plain text (they are sent without entities), split within
each platform's limits by its adapter.
"""

from __future__ import annotations

import re

_BOLD_LINE = re.compile(r"^\*\*(.+)\*\*$", re.MULTILINE)
# a note ends its line, or its cell in a programa's table (" |" follows)
_NOTE = re.compile(r" \*\(([^()\n]*)\)\*(?=$| \|)", re.MULTILINE)


def for_chat(markdown: str, platform: str) -> str:
    if platform == "slack":
        return _NOTE.sub(r" _(\1)_", _BOLD_LINE.sub(r"*\1*", markdown))
    return _NOTE.sub(r" (\1)", _BOLD_LINE.sub(r"\1", markdown))
