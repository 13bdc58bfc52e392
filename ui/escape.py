"""Text a user controls (link values, CSV cells and file names, typed answers) shown as text.

Streamlit's ``st.info``/``st.error``/``st.markdown``/``st.caption`` render their body as
Markdown (with ``$…$`` maths and ``:color[…]`` directives): an echoed link value
``![](//host/x)`` would make every browser that opens the link fetch an image from that host.
``plain(text)`` backslash-escapes (CommonMark: an escaped punctuation mark renders as itself)
every character that can start Markdown or HTML anywhere in a line — brackets of links and
images, ``<`` of HTML and autolinks, emphasis, code, maths, entities, ``@`` of e-mail
autolinks — the ``://`` and ``www.`` of bare-address autolinks, and a first character that could
start a heading, list or quote. Line breaks become spaces (one paragraph). Everything else
(``= ' , . ( ) -``) stays as typed, so the message reads the same in the page's source.
"""

from __future__ import annotations

import re

__all__ = ["plain"]

_ANYWHERE = re.compile(r"([\\`*_~\[\]<>!$|&@#{}])")
_AUTOLINK = re.compile(r"(?i)(://|(?<![a-z0-9])www\.)")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
_LINE_START = re.compile(r"^(\s*)(?:([-+=>:])|(\d+)([.)]))")


def plain(text: object) -> str:
    """``text`` (anything; ``str()`` is taken) as Markdown that renders as exactly that text."""
    flat = _LINE_BREAKS.sub(" ", str(text))
    md = _ANYWHERE.sub(r"\\\1", flat)
    md = _AUTOLINK.sub(lambda m: "\\" + m.group(1) if m.group(1) == "://"
                       else m.group(1)[:3] + "\\.", md)
    return _LINE_START.sub(lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2)
                                                   else m.group(3) + "\\" + m.group(4)), md)
