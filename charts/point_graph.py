"""DOT text (Graphviz) of one point's computation graph, micrograd's ``draw_dot`` view: one
record per node with its value and ∂E/∂·, weights on the edges. ``st.graphviz_chart`` lays the
text out in the browser (no Graphviz binary on the server). Every label is escaped."""

from __future__ import annotations

import itertools

from page_model.point_graph import Paths, PointGraph

from . import HIGHLIGHT, NEGATIVE, POSITIVE

MAX_EDGE_LABELS = 40  # more weights than this: their numbers go in tooltips only
MAX_NODES = 60
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _escape_record(text: str) -> str:
    """A record field's text: Graphviz reads { } | < > as structure and \\ " as escapes."""
    out = text.replace("\\", "\\\\")
    for ch in '{}|<>"':
        out = out.replace(ch, "\\" + ch)
    return out


def _escape(text: str) -> str:
    """A quoted attribute's text."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def node_title(name: str, n_layers: int, input_labels: list[str]) -> str:
    if name == "E":
        return "E (loss)"
    if name.startswith("x"):
        return f"input {input_labels[int(name[1:])]}"
    kind, rest = name[0], name[1:]
    layer, j = (int(v) for v in rest.split("_"))
    sub, sup = str(j + 1).translate(_SUB), f"⁽{str(layer).translate(_SUP)}⁾"
    if kind == "y" and layer == n_layers:
        return f"ŷ{sub} (output)"
    return f"z{sub}{sup} weighted sum" if kind == "z" else f"y{sub}{sup} activation"


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def point_graph_dot(graph: PointGraph, input_labels: list[str], paths: Paths | None = None,
                    activation_names: list[str] | None = None) -> str:
    """The graph as DOT text; ``paths`` (from ``weight_paths``) highlights one weight's paths
    to the loss. A graph of more than MAX_NODES nodes is unreadable whole: then only the
    listed paths are drawn (``weight_paths`` lists the ones that add the most)."""
    n_layers = max(n.layer for n in graph.nodes.values() if n.kind != "loss")
    on_path_nodes, on_path_edges = set(), set()
    chosen = None
    if paths is not None:
        chosen = paths.weight
        for route, _ in paths.paths:
            on_path_nodes.update(route)
            on_path_edges.update(itertools.pairwise(route))
    shown = set(graph.nodes)
    if paths is not None and len(graph.nodes) > MAX_NODES:
        shown = on_path_nodes | {"E"}
    lines = ["digraph point {", '  rankdir=LR; bgcolor="transparent"; nodesep=0.15; ranksep=0.5;',
             '  node [shape=record, fontsize=10, fontname="Helvetica", style=filled, '
             'fillcolor="#f7f7f7", color="#555555"];',
             '  edge [fontsize=9, fontname="Helvetica", color="#999999", arrowsize=0.5];']
    for node in graph.nodes.values():
        if node.name not in shown:
            continue
        title = node_title(node.name, n_layers, input_labels)
        if node.kind == "activation" and activation_names:
            title += f" {activation_names[node.layer - 1]}"
        fields = [title, f"value {_fmt(node.value)}", f"∂E/∂· {_fmt(node.grad)}"]
        if node.kind == "sum":
            fields.append(f"b {_fmt(node.bias)} · ∂E/∂b {_fmt(node.grad)}")
        label = " | ".join(_escape_record(f) for f in fields)  # LR: fields stack vertically
        fill = "#fff3e0" if node.name in on_path_nodes else (
            "#e8f0fe" if node.kind == "loss" else "#f7f7f7")
        border = HIGHLIGHT if node.name in on_path_nodes else "#555555"
        lines.append(f'  "{node.name}" [label="{label}", fillcolor="{fill}", color="{border}", '
                     f'tooltip="{_escape(title)}"];')
    n_weights = sum(1 for e in graph.edges if e.weight is not None)
    for e in graph.edges:
        if e.tail not in shown or e.head not in shown:
            continue
        attrs = []
        if e.weight is not None:
            l, i, j = e.weight
            text = (f"w{str(i + 1).translate(_SUB)},{str(j + 1).translate(_SUB)}"
                    f"⁽{str(l).translate(_SUP)}⁾ = {_fmt(e.local)}\n∂E/∂w = {_fmt(e.grad)}")
            attrs.append(f'tooltip="{_escape(text)}"')
            if n_weights <= MAX_EDGE_LABELS or e.weight == chosen:
                attrs.append(f'label="{_escape(text)}"')
            colour = POSITIVE if e.local >= 0 else NEGATIVE
        else:
            text = f"∂head/∂tail = {_fmt(e.local)}"
            attrs.append(f'tooltip="{_escape(text)}"')
            colour = "#999999"
        if e.weight is not None and e.weight == chosen:
            attrs += [f'color="{HIGHLIGHT}"', "penwidth=3.5"]
        elif (e.tail, e.head) in on_path_edges:
            attrs += [f'color="{HIGHLIGHT}"', "penwidth=2"]
        else:
            attrs.append(f'color="{colour}"')
        lines.append(f'  "{e.tail}" -> "{e.head}" [{", ".join(attrs)}];')
    lines.append("}")
    return "\n".join(lines)
