"""ui.compute.Front: the last few results by key, the oldest dropped first."""

from ui.compute import Front


def test_keeps_the_last_entries_and_drops_the_oldest():
    front = Front(2)
    assert front.put("a", 1) == 1
    front.put("b", None)  # a stored None is a hit, told apart by the default
    front.put("c", 3)
    assert front.get("a", "missing") == "missing"
    assert front.get("b", "missing") is None
    assert front.get("c") == 3
    front.clear()
    assert front.get("c") is None
