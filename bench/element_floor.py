"""Streamlit's own cost of what a page draws: the page's elements, in the same containers, with
nothing computed (a word of text, a two-point chart, a two-row table, default widgets), each
drawn the cheapest way the pages know: a chart or table that is not a widget replayed from the
cache (as ``ui.cached`` replays them), a chart that takes clicks from a figure built once.

A rerun of a page costs Streamlit's work per element (an id, a message hashed, queued and sent;
a widget's registration and state) plus the page's own work (maths, figures, tables). The
floor page measures the first part alone, so ``bench.bench_pages`` can say how much of a
page's rerun is its own: a page whose floor is already over the target can only get under it
by drawing fewer elements.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

#: what each widget is drawn as (its label and key filled in)
WIDGETS = {
    "button": "st.button({label}, key={key})",
    "download_button": "st.download_button({label}, 'x', key={key}, on_click='ignore')",
    "selectbox": "st.selectbox({label}, ('a', 'b'), key={key})",
    "radio": "st.radio({label}, ('a', 'b'), key={key})",
    "multiselect": "st.multiselect({label}, ('a', 'b'), default=('a',), key={key})",
    "slider": "st.slider({label}, 0, 10, 3, key={key})",
    "select_slider": "st.select_slider({label}, ('a', 'b'), key={key})",
    "number_input": "st.number_input({label}, 0.0, 10.0, 1.0, key={key})",
    "checkbox": "st.checkbox({label}, key={key})",
    "toggle": "st.toggle({label}, key={key})",
    "text_input": "st.text_input({label}, key={key})",
    "text_area": "st.text_area({label}, key={key})",
    "file_uploader": "st.file_uploader({label}, key={key})",
}
#: what each other element is drawn as
ELEMENTS = {
    "markdown": lambda: st.markdown("text"),
    "caption": lambda: st.caption("text"),
    "title": lambda: st.title("text"),
    "header": lambda: st.header("text"),
    "subheader": lambda: st.subheader("text"),
    "latex": lambda: st.latex("x"),
    "code": lambda: st.code("x"),
    "divider": lambda: st.divider(),
    "info": lambda: st.info("text"),
    "success": lambda: st.success("text"),
    "warning": lambda: st.warning("text"),
    "error": lambda: st.error("text"),
    "progress": lambda: st.progress(0.5, text="text"),
    "metric": lambda: st.metric("text", 1),
    "dataframe": lambda: st.dataframe({"a": [1, 2]}),
    "table": lambda: st.table({"a": [1, 2]}),
    "json": lambda: st.json({"a": 1}),
    "graphviz_chart": lambda: st.graphviz_chart("digraph { a -> b }"),
}
_REPLAYED = (*ELEMENTS, "plotly_chart")  # a chart replayed needs a key of its own
# What the floor page imports: defined here, once per process, as the pages' caches are (a
# cached function defined in the script itself is hashed again on every rerun).
_PREAMBLE = "import streamlit as st\n\nfrom bench.element_floor import figure, replayed\n"


@st.cache_resource(show_spinner=False)
def figure():
    """A two-point chart, built once."""
    return go.Figure(go.Scatter(x=[0, 1], y=[0, 1]))


@st.cache_resource(show_spinner=False)
def replayed(*, kinds: tuple[str, ...], n: int) -> None:
    """Elements that are not widgets, drawn once and then replayed from the cache together (as
    ``ui.cached`` replays a chart with its caption): the cheapest way Streamlit draws them."""
    for i, kind in enumerate(kinds):
        if kind == "plotly_chart":
            st.plotly_chart(figure(), key=f"floor.{n}.{i}")
        else:
            ELEMENTS[kind]()


def _type(node) -> str:
    return getattr(node, "type", type(node).__name__)


def _is_widget(node) -> bool:
    """Whether a node holds state the page reads back: a widget, an expander with a key, a
    chart that takes clicks (every chart has an id; only these a selection mode)."""
    proto = getattr(node, "proto", None)
    if _type(node) == "plotly_chart":
        return bool(proto.selection_mode)
    return bool(getattr(proto, "id", ""))


def floor_script(tree, widgets_only: bool = False) -> str:
    """The floor page of an AppTest tree (``at._tree`` after a run), as a Streamlit script;
    ``widgets_only``: its widgets alone (in their containers). Raises ``ValueError`` on an
    element kind it does not know (add it to the tables)."""
    lines = [_PREAMBLE]
    count = [0]

    def fresh() -> int:
        count[0] += 1
        return count[0]

    def draw(node, indent: str) -> None:
        children, start = children_of(node), len(lines)
        run: list[str] = []  # consecutive elements that are not widgets: replayed together

        def flush() -> None:
            if run:
                lines.append(f"{indent}replayed(kinds={tuple(run)!r}, n={fresh()})")
                run.clear()

        for child in children:
            kind, widget = _type(child), _is_widget(child)
            if kind in _REPLAYED and not widget and not children_of(child):
                if not widgets_only:
                    run.append(kind)
                continue
            flush()
            n = fresh()
            label, key = repr(f"{kind} {n}"), repr(f"floor.{n}")
            if kind == "flex_container" and children_of(child) and all(
                    _type(c) == "column" for c in children_of(child)):
                lines.append(f"{indent}_c{n} = st.columns({len(children_of(child))})")
                for i, column in enumerate(children_of(child)):
                    lines.append(f"{indent}with _c{n}[{i}]:")
                    draw(column, indent + "    ")
            elif kind == "flex_container":
                horizontal = "HORIZONTAL" in str(getattr(child.proto, "flex_container", ""))
                lines.append(f"{indent}with st.container(horizontal={horizontal}):")
                draw(child, indent + "    ")
            elif kind == "expander":
                lazy = ", key=" + key + ", on_change='rerun'" if widget else ""
                lines.append(f"{indent}with st.expander({label}{lazy}):")
                draw(child, indent + "    ")
            elif kind == "plotly_chart":  # one that takes clicks: a widget
                lines.append(f"{indent}st.plotly_chart(figure(), key={key}, on_select='rerun')")
            elif kind in WIDGETS:
                lines.append(indent + WIDGETS[kind].format(label=label, key=key))
            else:
                raise ValueError(f"the floor page has no stand-in for a {kind!r} element")
        flush()
        if len(lines) == start:  # an empty container (or one of elements left out)
            lines.append(indent + "pass")

    for block in getattr(tree, "children", {}).values():
        kind = _type(block)
        if kind == "main":
            draw(block, "")
        elif kind == "sidebar":
            lines.append("with st.sidebar:")
            draw(block, "    ")
        elif kind != "event":  # the dialogs' block: empty unless a dialog is open
            raise ValueError(f"the floor page has no stand-in for a {kind!r} block")
    return "\n".join(lines) + "\n"


def children_of(node) -> list:
    return list(getattr(node, "children", {}).values())


def shape(tree) -> list[str]:
    """The kinds of a tree's nodes in drawing order, with their depth and whether each is a
    widget (``_is_widget``): what the floor page repeats."""
    out: list[str] = []

    def walk(node, depth: int) -> None:
        for child in children_of(node):
            out.append("  " * depth + _type(child) + (" (widget)" if _is_widget(child) else ""))
            walk(child, depth + 1)

    walk(tree, 0)
    return out


def widgets(tree) -> int:
    """How many widgets a tree holds."""
    return sum(line.endswith(" (widget)") for line in shape(tree))
