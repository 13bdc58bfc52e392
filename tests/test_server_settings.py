"""The served app's settings that the server's cost depends on (README "Server settings")."""

import ast
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_no_page_relies_on_magic_which_is_off():
    # runner.magicEnabled = false (recompiling the pages per new session costs 4.3x with it):
    # a bare expression in app.py or a page would then draw nothing, so none may be there.
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["magicEnabled"] is False
    bare = []
    for path in [REPO / "app.py", *sorted((REPO / "views").glob("*.py"))]:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            for name in ("body", "orelse", "finalbody"):
                body = getattr(node, name, None)
                if not isinstance(body, list):
                    continue
                for i, stmt in enumerate(body):
                    if not isinstance(stmt, ast.Expr) or isinstance(
                            stmt.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)):
                        continue
                    docstring = (i == 0 and isinstance(stmt.value, ast.Constant)
                                 and isinstance(stmt.value.value, str))
                    if not docstring:
                        bare.append(f"{path.relative_to(REPO)}:{stmt.lineno}")
    assert not bare, f"bare expressions (magic is off, they draw nothing): {bare}"
