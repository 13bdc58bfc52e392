"""ui.cached.dataframe hands st.dataframe an Arrow table built from the dict: the table shown
is the one the dict gave (cells, column types, column config), and cells Arrow cannot type
together are still shown as Streamlit shows them."""

import textwrap

import pyarrow as pa
from streamlit.testing.v1 import AppTest

from ui.cached import table_data

TABLES = {
    "words and numbers": {"class": ["0", "1", "2"], "points": [12, 7, 0],
                          "accuracy": ["50%", "—", "100%"]},
    "floats": {"quantity": ["z", "ŷ", "∂E/∂w"], "value": [0.5, -1.25e-7, 3.0]},
    "mixed cells": {"cell": ["a", 1, 2.5]},
}


def _script(direct: bool) -> str:
    draw = ("st.dataframe(data, column_config=config, hide_index=True)" if direct else
            "cached.dataframe(data, config, hide_index=True)")
    return textwrap.dedent(f"""
        import streamlit as st
        from tests.test_tables import TABLES
        from ui import cached
        for name, data in TABLES.items():
            config = ({{"value": st.column_config.NumberColumn(format="%.6g")}}
                      if "value" in data else None)
            {draw}
    """)


def test_cached_tables_show_what_the_dicts_show():
    runs = []
    for direct in (True, False):
        at = AppTest.from_string(_script(direct), default_timeout=60)
        at.run()
        assert not at.exception
        runs.append(at)
    direct, cached = runs
    assert len(cached.dataframe) == len(direct.dataframe) == len(TABLES)
    for want, got in zip(direct.dataframe, cached.dataframe, strict=True):
        assert got.value.equals(want.value), (want.value, got.value)
        assert list(got.value.dtypes) == list(want.value.dtypes)
        assert got.proto.columns == want.proto.columns  # the number format survives
    assert cached.dataframe[1].value["value"].tolist() == [0.5, -1.25e-7, 3.0]


def test_only_tables_without_an_index_become_arrow():
    data = TABLES["floats"]
    assert isinstance(table_data(data), pa.Table)
    assert table_data(data, hide_index=False) is data
    assert table_data(TABLES["mixed cells"]) is TABLES["mixed cells"]
