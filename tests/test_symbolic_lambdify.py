"""derivations.symbolic.lambdify: the function sympy.lambdify builds, for arguments named as the
notes write them (not Python identifiers), in one renaming pass."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from derivations.symbolic import lambdify, sym

eta, h_prev, w = sym(r"\eta"), sym("h_{t-1}"), sym("w_{x_1 h_{11}}")
EXPRS = [sp.tanh(w * h_prev) - eta * sp.exp(-w), 1 / (1 + sp.exp(-eta * h_prev)), w ** 2]


@pytest.mark.parametrize("options", [{}, {"cse": True}])
def test_same_values_as_sympy_lambdify(options):
    args = [eta, h_prev, w]
    ours = lambdify(args, EXPRS, modules="numpy", **options)
    theirs = sp.lambdify(args, EXPRS, modules="numpy", **options)
    rng = np.random.default_rng(0)
    for _ in range(5):
        point = rng.normal(size=3)
        assert np.allclose(ours(*point), theirs(*point), rtol=0, atol=1e-15)


def test_one_expression_and_unused_arguments():
    f = lambdify([eta, h_prev, w], eta * 2)
    assert f(1.5, 9.0, -3.0) == 3.0
    assert lambdify([w], [w, w + 1])(2.0) == [2.0, 3.0]


def test_a_string_is_refused_not_run():
    """sympy.lambdify turns a string into code and runs it; here text is refused."""
    with pytest.raises(TypeError, match="SymPy expressions"):
        lambdify([w], "__import__('os').getcwd()")
    with pytest.raises(TypeError):
        lambdify([w], [w, "w + 1"])
