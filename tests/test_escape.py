"""ui.escape.plain: user text as Markdown that renders as that text (the browser test
tests/browser/test_browser_echo.py checks what Streamlit draws)."""

import re

from hypothesis import given
from hypothesis import strategies as st

from ui.escape import plain

_PUNCT = r"""!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"""


def _shown(md: str) -> str:
    """What CommonMark shows for backslash escapes of ASCII punctuation."""
    return re.sub(r"\\([" + _PUNCT + "])", r"\1", md)


@given(st.text(alphabet=st.sampled_from(list("ab1 .:/w!()[]<>*_`$@&#|\\-+\n")), max_size=60)
       | st.text(max_size=60))
def test_markup_characters_are_escaped_and_the_text_comes_back(text):
    md = plain(text)
    assert "\n" not in md and "\r" not in md
    bare = md.replace("\\\\", "")  # escaped backslashes aside
    # No unescaped character that starts a link, image, HTML, code, maths or emphasis is left.
    assert not re.search(r"(?<!\\)[\[\]<>!`$*_~&@|#]", bare)
    assert "://" not in bare and not re.search(r"(?i)(?<![a-z0-9])www\.", bare)
    # The shown text is the original, line breaks as spaces.
    assert _shown(md) == re.sub(r"[\r\n\u2028\u2029\x0b\x0c\x85]+", " ", text)


def test_examples_from_the_issue_and_plain_words_untouched():
    assert plain("![](//host/x)") == r"\!\[\](//host/x)"
    assert plain("[Log in](//host)") == r"\[Log in\](//host)"
    assert plain("see https://host or www.host.org") == r"see https\://host or www\.host.org"
    assert plain("- 1. not a list") == r"\- 1. not a list"
    assert plain("1. first") == r"1\. first"
    assert plain(ValueError("a*b*")) == r"a\*b\*"
    notice = "Link value theta='nan' was not valid (not a number); using 0.5."
    assert plain(notice) == notice
