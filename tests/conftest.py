"""Shared test settings. A skipped test counts as a failure: nothing may skip in CI."""

import os

import pytest

from ui.widget_key_lookup import lazy_widget_key_lookup

lazy_widget_key_lookup()  # pages under AppTest run with what app.py installs for the server

_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _skipped and not os.environ.get("ALLOW_SKIPS"):
        print(f"\n{len(_skipped)} test(s) skipped; skips fail the run (set ALLOW_SKIPS=1 locally):")
        for nodeid in _skipped:
            print("  ", nodeid)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
