"""ui.page_state.page_state: a page's property table is built once per server, not per rerun."""

from ui.page_state import Int, page_state, settings


@settings
class _Demo:
    n: int = 1


def _table():
    built.append(1)
    return {"n": Int("n", 0, 9)}


built: list[int] = []


def test_the_same_table_code_gives_the_same_state_once_built():
    first = page_state("demo_once", _Demo, _table)
    again = page_state("demo_once", _Demo, _table)
    assert again is first and len(built) == 1
    other = page_state("demo_once", _Demo, lambda: {"n": Int("n", 0, 5)})  # an edited table
    assert other is not first and other.table["n"].hi == 5
