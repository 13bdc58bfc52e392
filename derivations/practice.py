r"""A practice exercise on one weight: the parts a student answers, built from the chain rule.

``exercise(rule, values)`` lists the parts of ∂E_total/∂w for ``rule`` (a ``ChainRule``):
each chain-rule factor on its own (in the step-through's order), then the whole formula (for a
hidden weight: the sum over the output neurons of the path products, times the shared
factors), then its number at the live ``values``. Each part carries what the checker needs:
the right answer, its factors as an ``answer_notes.Chain`` (so the answer notes can rewrite
one factor in every path), the path products, the swapped-index weights and the page's
notation. No Streamlit; the symbols a student may type are the whole network's
(``typed_symbols_of``), so the legend does not give the answer away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy as sp

from .answer_notes import Chain, Notation, Slot
from .chain import ChainRule
from .formulas import typed_name
from .symbolic import SymbolicNetwork, activation_expr, partial_latex

__all__ = ["Part", "definitions_of", "exercise", "swaps_of", "typed_symbols_of"]

#: the step-through's notation: ŷ is the output, y the target
NOTATION = Notation(r"\hat{y}", "y")


@dataclass(frozen=True)
class Part:
    """One thing the student answers. ``kind``: "factor", "whole" or "number"; ``step``: the
    step of the step-through it belongs to; ``label``: its LaTeX (∂…/∂…)."""

    key: str
    kind: str
    step: int
    label: str
    expected: sp.Expr
    chain: Chain
    paths: tuple = ()
    at: dict | None = field(default=None, compare=False)
    words: str = ""  # the part as plain text (the summary's rows): "step 1: ∂E₁/∂ŷ₁"

    def judge_kwargs(self, net: SymbolicNetwork) -> dict:
        """Keyword arguments for ``answer_verdicts.start_check_text`` (besides the symbols)."""
        out = {"chain": self.chain, "paths": list(self.paths), "swaps": swaps_of(net),
               "notation": NOTATION}
        if self.at is not None:
            out["at"] = self.at
        else:
            out["definitions"] = definitions_of(net)
        return out


def typed_symbols_of(net: SymbolicNetwork) -> dict[str, sp.Symbol]:
    """Every symbol of the network by the name a student types (see ``typed_name``)."""
    syms = [*net.x, *net.targets]
    for layer in range(1, net.n_layers + 1):
        syms += [w for row in net.W[layer] for w in row] + list(net.b[layer])
        syms += list(net.z[layer]) + list(net.a[layer])
    return {typed_name(s): s for s in syms}


def definitions_of(net: SymbolicNetwork) -> dict[sp.Symbol, sp.Expr]:
    """Each activation as f(z), so an answer written with σ(z) is checked like one with ŷ."""
    out = {}
    for layer in range(1, net.n_layers + 1):
        act = net.activations[layer - 1]
        if act == "softmax":
            continue
        for z, a in zip(net.z[layer], net.a[layer], strict=True):
            out[a] = activation_expr(act, z)
    return out


def swaps_of(net: SymbolicNetwork) -> dict[sp.Symbol, sp.Symbol]:
    """w_ij → w_ji in each layer where both exist (the swapped-index slip)."""
    out = {}
    for layer in range(1, net.n_layers + 1):
        W = net.W[layer]
        for i, row in enumerate(W):
            for j, w in enumerate(row):
                if i != j and j < len(W) and i < len(W[j]):
                    out[w] = W[j][i]
    return out


def chain_of_rule(rule: ChainRule) -> Chain:
    def slot(f):
        return Slot(f.symbol_latex, f.general, f.kind)

    return Chain(tuple(tuple(slot(f) for f in path) for path in rule.path_factors),
                 tuple(slot(f) for f in rule.shared))


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def as_text(latex: str) -> str:
    r"""A symbol's LaTeX as plain text: \frac{\partial E_{1}}{\partial \hat{y}_{1}} → ∂E₁/∂ŷ₁."""
    text = latex.strip()
    if text.startswith(r"\frac{\partial ") and r"}{\partial " in text and text.endswith("}"):
        num, den = text[len(r"\frac{\partial "):-1].split(r"}{\partial ", 1)
        text = f"∂{num}/∂{den}"
    text = text.replace(r"\hat{y}", "ŷ")
    text = re.sub(r"_\{?([0-9]+)\}?", lambda m: m.group(1).translate(_SUB), text)
    return re.sub(r"[{}\\ ]", "", text).replace("_", "")


def exercise(rule: ChainRule, values: dict | None, prefix: str) -> list[Part]:
    """The parts of the exercise on ``rule``'s weight (keys start with ``prefix``)."""
    parts = []
    for step, f in enumerate(rule.factors):
        parts.append(Part(f"{prefix}.{step}", "factor", step, f.symbol_latex, f.general,
                          Chain((), (Slot(f.symbol_latex, f.general, f.kind),)),
                          words=f"step {step + 1}: {as_text(f.symbol_latex)}"))
    last = len(rule.factors)
    chain = chain_of_rule(rule)
    shared = sp.Mul(*(s.expr for s in chain.shared))
    paths = tuple(sp.Mul(*(s.expr for s in p)) * shared for p in chain.paths)
    whole = partial_latex("E_{total}", rule.param_symbol)
    what = "the sum over the output neurons" if chain.paths else "the whole product"
    parts.append(Part(f"{prefix}.whole", "whole", last, whole, rule.general, chain, paths,
                      words=f"{as_text(whole)}: {what}"))
    if values is not None:
        at = {s: float(v) for s, v in values.items()}
        parts.append(Part(f"{prefix}.number", "number", last, whole, rule.general, chain,
                          paths, at, words=f"{as_text(whole)}: its number"))
    return parts
