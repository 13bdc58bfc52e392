"""The playground's CSV reader against files as spreadsheets and hands write them: every line
ending, byte-order marks, German Excel's ';' and decimal commas, tabs, quotes, trailing
separators, blank lines, headers in other cases, Excel's own exports. A file that cannot be read
is a message (ValueError), and in the page the current data stays."""

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from page_model.playground import parse_points_csv

POINTS = [(1.5, -2.0, 0), (0.25, 3.0, 1), (-1.0, 0.5, 0), (2.0, 2.0, 1), (-0.75, -1.25, 1)]
X = np.array([p[:2] for p in POINTS])
Y = np.array([p[2] for p in POINTS])


def _lines(sep=",", decimal=".", header=("x1", "x2", "label"), quote=False, trail=""):
    def cell(v):
        text = f"{v:g}".replace(".", decimal)
        return f'"{text}"' if quote else text
    head = sep.join(f'"{h}"' if quote else h for h in header) + trail
    return [head] + [sep.join(cell(v) for v in p) + trail for p in POINTS]


CORPUS = {
    "LF": "\n".join(_lines()).encode(),
    "CRLF (Windows)": "\r\n".join(_lines()).encode() + b"\r\n",
    "CR (CSV Macintosh)": "\r".join(_lines()).encode() + b"\r",
    "mixed line endings": b"x1,x2,label\r\n1.5,-2,0\r0.25,3,1\n-1,0.5,0\r\n2,2,1\r-0.75,-1.25,1",
    "UTF-8 BOM": b"\xef\xbb\xbf" + "\n".join(_lines()).encode(),
    "semicolons, decimal commas (German Excel)": "\r\n".join(_lines(";", ",")).encode("cp1252"),
    "semicolons, decimal points": "\n".join(_lines(";")).encode(),
    "tabs": "\n".join(_lines("\t")).encode(),
    "tabs, decimal commas": "\n".join(_lines("\t", ",")).encode(),
    "quoted fields": "\n".join(_lines(quote=True)).encode(),
    "quoted decimal commas with , separators": "\n".join(_lines(",", ",", quote=True)).encode(),
    "trailing separators": "\n".join(_lines(trail=",")).encode(),
    "trailing ; separators": "\n".join(_lines(";", ",", trail=";;")).encode(),
    "blank lines": ("\n\n" + "\n\n".join(_lines()) + "\n\n  \n").encode(),
    "blank separator-only lines": "\n".join([*_lines(";"), ";;", ";;"]).encode(),
    "header in capitals": "\n".join(_lines(header=("X1", "X2", "LABEL"))).encode(),
    "header spaced, other order": ("Label , X1 ,x2\n" + "\n".join(
        f"{p[2]},{p[0]:g},{p[1]:g}" for p in POINTS)).encode(),
    "spaces around numbers": "\n".join(
        ", ".join(f" {c} " for c in line.split(",")) for line in _lines()).encode(),
    "Excel export: BOM, sep= line, ';', decimal commas, CRLF": (
        b"\xef\xbb\xbfsep=;\r\n" + "\r\n".join(_lines(";", ",")).encode() + b"\r\n"),
    "Excel 'Unicode text': UTF-16 with BOM, tabs": (
        "\r\n".join(_lines("\t")) + "\r\n").encode("utf-16"),
    "extra columns": ("id;x1;x2;label;note\r\n" + "\r\n".join(
        f"{k};{p[0]:g};{p[1]:g};{p[2]};\"a; b\"" for k, p in enumerate(POINTS))).encode(),
}


@pytest.mark.parametrize("name", list(CORPUS))
def test_corpus_file_reads_to_the_same_points(name):
    parsed = parse_points_csv(CORPUS[name])
    np.testing.assert_array_equal(parsed.X, X)
    np.testing.assert_array_equal(parsed.y, Y)
    assert parsed.n_classes == 2


def test_text_input_reads_like_bytes():
    for name in ("CR (CSV Macintosh)", "semicolons, decimal commas (German Excel)"):
        text = CORPUS[name].decode("cp1252")
        np.testing.assert_array_equal(parse_points_csv(text).X, X)


FAULTS = {
    "NUL bytes": (b"x1,x2,label\n1,2,0\n\x00\x00,1,1\n3,3,0\n4,4,1\n", "NUL"),
    "binary junk": (bytes(range(256)), "UTF-8"),
    "odd UTF-16": (b"\xff\xfex\x00,", "UTF-8"),
    "quote left open": (b'x1,x2,label\n1,2,0\n"1,1,1\n3,3,0\n4,4,1\n', "Row 3: a quote"),
    "decimal comma in a , file, unquoted": (b"x1,x2,label\n1,5,2,0\n1,2,1\n3,3,0\n4,4,1\n",
                                            "Row 2 has more values"),
    "a cell missing": (b"x1;x2;label\r1;2;0\r1;;1\r3;3;0\r4;4;1\r", "Row 3, column x2"),
    "only a header": (b"x1,x2,label\r\n", "Only 0 point"),
    "only separators": (b";;;\r\n;;\r\n", "empty"),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_faults_are_messages(name):
    content, words = FAULTS[name]
    with pytest.raises(ValueError, match=words):
        parse_points_csv(content)


def test_row_numbers_are_the_files_lines():
    content = b"\n\nx1,x2,label\n1,2,0\n\n1,2,1\n1,a,0\n4,4,1\n"
    with pytest.raises(ValueError, match="Row 7, column x2"):
        parse_points_csv(content)


PAGE = str(Path(__file__).resolve().parent.parent / "views" / "playground.py")


def test_page_loads_a_mac_csv_and_keeps_it_after_a_bad_one():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["pg.own_open"] = True  # its widgets are built only while it is open
    at.run()
    at.file_uploader(key="pg.csv").upload("mac.csv", CORPUS["CR (CSV Macintosh)"], "text/csv")
    at.run()
    assert not at.exception
    assert any("5 points" in s.value for s in at.success)
    before = at.session_state["pg.custom"][0].copy()
    at.file_uploader(key="pg.csv").upload("bad.csv", FAULTS["NUL bytes"][0], "text/csv")
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "NUL" in errors and "unchanged" in errors
    np.testing.assert_array_equal(at.session_state["pg.custom"][0], before)
