"""The layers of docs/architecture.md, checked statically (ast: nothing is imported or run).

nn_core → derivations → page_model → charts → ui → views → app.py: a module imports only its own
layer and the layers before it; the project's modules form no import cycle (imports inside
functions count: a lazy import is a cycle that waits for the wrong call order); Streamlit stays
in ui/, views/ and app.py; nn_core needs nothing but NumPy and the standard library; views/ does
no maths (no NumPy, SymPy or math, no ** or @).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("nn_core", "derivations", "page_model", "charts", "ui", "views", "app")
BELOW_UI = ("nn_core", "derivations", "page_model", "charts")
MATHS_MODULES = {"numpy", "sympy", "math", "cmath", "scipy", "statistics", "random", "decimal",
                 "fractions"}
NN_CORE_ALLOWED = set(sys.stdlib_module_names) | {"numpy", "nn_core"}


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def scan(root: Path) -> dict[str, tuple[Path, ast.Module]]:
    """Module name → (file, syntax tree) for app.py and every layer's package under ``root``."""
    files = [root / "app.py"] if (root / "app.py").exists() else []
    for layer in LAYERS[:-1]:
        files += sorted((root / layer).rglob("*.py"))
    return {_module_name(f, root): (f, ast.parse(f.read_text(encoding="utf-8"), str(f)))
            for f in files}


def imports(modules) -> dict[str, list[tuple[str, int]]]:
    """Module → [(imported module, line)], relative imports resolved; ``from package import
    name`` counts as the submodule when ``name`` is one, else as the package."""
    out = {}
    for name, (path, tree) in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(alias.name, node.lineno) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = node.module
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    module = ".".join([*base, node.module] if node.module else base)
                for alias in node.names:
                    sub = f"{module}.{alias.name}"
                    found.append((sub if sub in modules else module, node.lineno))
        out[name] = found
    return out


def layer(module: str) -> str:
    return module.split(".")[0]


def cycles(modules, imps) -> list[str]:
    """Every import cycle among the project's modules, as "a → b → a"."""
    graph = {m: sorted({i for i, _ in imps[m] if i in modules and i != m}) for m in modules}
    state, found = {}, []

    def visit(m, stack):
        state[m] = "open"
        stack.append(m)
        for nxt in graph[m]:
            if state.get(nxt) == "open":
                found.append(" → ".join([*stack[stack.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [])
    return found


def upward(modules, imps) -> list[str]:
    bad = []
    for m in modules:
        rank = LAYERS.index(layer(m))
        bad += [f"{m}:{line} imports {i}" for i, line in imps[m]
                if layer(i) in LAYERS and LAYERS.index(layer(i)) > rank]
    return bad


def streamlit_below_ui(modules, imps) -> list[str]:
    return [f"{m}:{line} imports {i}" for m in modules if layer(m) in BELOW_UI
            for i, line in imps[m] if layer(i) == "streamlit"]


def nn_core_extras(modules, imps) -> list[str]:
    return [f"{m}:{line} imports {i}" for m in modules if layer(m) == "nn_core"
            for i, line in imps[m] if layer(i) not in NN_CORE_ALLOWED]


def maths_in_views(modules, imps) -> list[str]:
    bad = []
    for m, (_, tree) in modules.items():
        if layer(m) != "views":
            continue
        bad += [f"{m}:{line} imports {i}" for i, line in imps[m] if layer(i) in MATHS_MODULES]
        bad += [f"{m}:{node.lineno}: {ast.unparse(node)}" for node in ast.walk(tree)
                if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Pow, ast.MatMult))]
    return bad


MODULES = scan(ROOT)
IMPORTS = imports(MODULES)


def test_the_scan_sees_every_layer():
    assert {layer(m) for m in MODULES} == set(LAYERS)
    assert ("numpy", 1) in [(i, 1) for i, _ in IMPORTS["nn_core.network"]]
    assert any(i == "derivations.notes" for i, _ in IMPORTS["derivations.audit"])


def test_no_import_cycle():
    assert not cycles(MODULES, IMPORTS), "import cycles: " + "; ".join(cycles(MODULES, IMPORTS))


def test_each_layer_imports_only_itself_and_the_layers_before():
    assert not upward(MODULES, IMPORTS), "; ".join(upward(MODULES, IMPORTS))


def test_no_streamlit_below_ui():
    assert not streamlit_below_ui(MODULES, IMPORTS), "; ".join(streamlit_below_ui(MODULES,
                                                                                   IMPORTS))


def test_nn_core_needs_only_numpy_and_the_standard_library():
    assert not nn_core_extras(MODULES, IMPORTS), "; ".join(nn_core_extras(MODULES, IMPORTS))


def test_views_do_no_maths():
    found = maths_in_views(MODULES, IMPORTS)
    assert not found, "maths belongs in page_model, derivations or nn_core: " + "; ".join(found)


def test_each_check_catches_what_it_forbids(tmp_path):
    files = {
        "app.py": "import streamlit\n",
        "nn_core/__init__.py": "from .network import Network\n",
        "nn_core/network.py": "import numpy\nimport streamlit\nimport sympy\n",
        "derivations/__init__.py": "",
        "derivations/audit.py": "from .notes import stated\n",
        "derivations/notes.py": "def f():\n    from .audit import x\n",
        "page_model/__init__.py": "",
        "charts/__init__.py": "from views import page\n",
        "ui/__init__.py": "",
        "views/page.py": "import numpy as np\nx = 2 ** 3\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    mods = scan(tmp_path)
    imps = imports(mods)
    assert cycles(mods, imps) == ["derivations.audit → derivations.notes → derivations.audit"]
    assert upward(mods, imps) == ["charts:1 imports views.page"]
    assert streamlit_below_ui(mods, imps) == ["nn_core.network:2 imports streamlit"]
    assert nn_core_extras(mods, imps) == ["nn_core.network:2 imports streamlit",
                                          "nn_core.network:3 imports sympy"]
    assert maths_in_views(mods, imps) == ["views.page:1 imports numpy", "views.page:2: 2 ** 3"]
