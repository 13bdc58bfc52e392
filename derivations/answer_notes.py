r"""Answer notes: each known misconception as a tagged mutation of the right answer, with its
feedback (in the spirit of STACK's answer notes).

A right answer is a chain-rule product (for a hidden weight: a sum over the output neurons of
path products, times the shared factors). Each note in ``NOTES`` says how a student holding
one misconception would change it — a factor-level note rewrites one factor (in every path at
once, as a student with that idea would), an answer-level note rewrites the whole answer — and
what to tell them. ``wrong_answers`` lists every (tag, wrong expression, feedback) for one
right answer; ``derivations.answer_verdicts.judge`` compares the student's answer with each in
turn (most specific first) and the first that matches names the slip (``Verdict.note``).

Factors are typed by kind: "loss" (∂E/∂ŷ), "activation" (σ′), "weight" (∂z/∂y below = a
weight), "input" (∂z/∂w = the input feeding the weight). ``infer_kind`` reads the kind from
the expression where a page does not say.

The feedback uses the page's own names for the output and the target (``Notation``): the
step-through writes ŷ for the output and y for the target, a page in the notes' other habit
writes y and t.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import sympy

__all__ = [
    "NOTES",
    "AnswerNote",
    "Chain",
    "Notation",
    "Slot",
    "chain_of",
    "infer_kind",
    "notation_of",
    "wrong_answers",
]

_MAX_DROPPED_FACTORS = 6  # 2^6 subsets at most


@dataclass(frozen=True)
class Slot:
    """One chain-rule factor: its LaTeX name (∂num/∂den), expression and kind."""

    name: str
    expr: sympy.Expr
    kind: str | None = None


@dataclass(frozen=True)
class Chain:
    """A right answer as factors: Σ over ``paths`` (each a list of slots) of their products,
    times the ``shared`` slots. No paths: the product of ``shared``."""

    paths: tuple[tuple[Slot, ...], ...] = ()
    shared: tuple[Slot, ...] = ()

    def value(self, path_slots=None, shared=None) -> sympy.Expr:
        paths = self.paths if path_slots is None else path_slots
        prod = sympy.Mul(*[s.expr for s in (self.shared if shared is None else shared)])
        if paths:
            prod *= sympy.Add(*[sympy.Mul(*[s.expr for s in p]) for p in paths])
        return prod

    @property
    def single(self) -> bool:
        """The answer is one factor on its own (a step of the step-through)."""
        return not self.paths and len(self.shared) == 1


@dataclass(frozen=True)
class Notation:
    """How the page writes the output and the target (LaTeX)."""

    output: str = "y"
    target: str = "t"


@dataclass
class Context:
    expected: sympy.Expr
    chain: Chain
    path_products: Sequence[sympy.Expr] = ()
    swaps: Mapping[sympy.Symbol, sympy.Symbol] = field(default_factory=dict)
    notation: Notation = field(default_factory=Notation)


def _latex(expr) -> str:
    return sympy.latex(expr)


def sigma_prime_symbol(expr: sympy.Expr) -> sympy.Symbol | None:
    """s when expr is s(1 − s) for a symbol s (σ′ written with the neuron's output)."""
    for sym in sorted(expr.free_symbols, key=str):
        if sympy.expand(expr - sym * (1 - sym)) == 0:
            return sym
    return None


def loss_symbols(expr: sympy.Expr) -> tuple[sympy.Symbol, sympy.Symbol] | None:
    """(output, target) when expr is output − target (∂E/∂ŷ of the squared error)."""
    syms = sorted(expr.free_symbols, key=str)
    if len(syms) != 2:
        return None
    for o, t in itertools.permutations(syms):
        if sympy.expand(expr - (o - t)) == 0:
            return o, t
    return None


def infer_kind(expr: sympy.Expr) -> str | None:
    """A factor's kind read from its expression (see the module docstring)."""
    if sigma_prime_symbol(expr) is not None:
        return "activation"
    if loss_symbols(expr) is not None:
        return "loss"
    if isinstance(expr, sympy.Symbol):
        return "weight" if expr.name.startswith("w_") else "input"
    return None


def notation_of(symbols: Mapping[str, sympy.Symbol], chain: Chain | None = None) -> Notation:
    """The page's names for the output and the target: from the loss factor if the answer
    has one, else ŷ and y when the page writes a hat on the output, else y and t."""
    for slot in (*(s for p in (chain.paths if chain else ()) for s in p),
                 *(chain.shared if chain else ())):
        pair = loss_symbols(slot.expr) if slot.kind == "loss" else None
        if pair:
            return Notation(_strip_index(pair[0]), _strip_index(pair[1]))
    if any(r"\hat{y}" in s.name for s in symbols.values()):
        return Notation(r"\hat{y}", "y")
    return Notation("y", "t")


def _strip_index(sym: sympy.Symbol) -> str:
    """\\hat{y}_{1} → \\hat{y}; y_1 → y (the letter the page uses, without the neuron)."""
    return sym.name.split("_")[0] if not sym.name.startswith("\\hat") else r"\hat{y}"


def chain_of(expected: sympy.Expr, factors=None, chain: Chain | None = None) -> Chain:
    """The answer's chain: given, or from ``factors`` ((name, expr) or (name, expr, kind)),
    or the whole answer as one factor."""
    if chain is not None:
        return chain
    if factors:
        return Chain((), tuple(Slot(f[0], f[1], f[2] if len(f) > 2 else infer_kind(f[1]))
                               for f in factors))
    return Chain((), (Slot("", expected, infer_kind(expected)),))


# ------------------------------------------------------------------------- the notes
@dataclass(frozen=True)
class AnswerNote:
    """One misconception. ``kinds``: the factor kinds a factor-level note rewrites (``factor``
    maps the slot to its wrong form, None where it does not apply); an answer-level note has
    ``whole`` instead, giving wrong answers with a detail for the feedback. ``feedback`` says
    it in the page's notation; ``negated_too``: the slip often comes with a wrong sign."""

    tag: str
    title: str
    feedback: Callable[..., str]
    kinds: tuple[str, ...] = ()
    factor: Callable[[Slot, Context], sympy.Expr | None] | None = None
    whole: Callable[[Context], list[tuple[sympy.Expr, object]]] | None = None
    negated_too: bool = False


def _s(slot: Slot) -> str:
    return _latex(sigma_prime_symbol(slot.expr))


def _minus_sigma_prime(slot, ctx):
    s = sigma_prime_symbol(slot.expr)
    return -s * (1 - s) if ctx.chain.single else None  # in a product: a wrong sign


def _one_minus(slot, ctx):
    return 1 - sigma_prime_symbol(slot.expr)


def _sigma_itself(slot, ctx):
    return sigma_prime_symbol(slot.expr)


def _dropped(slot, ctx):
    return sympy.Integer(1) if slot.expr != 1 else None  # ∂z/∂b = 1: nothing to drop


def _log_likelihood(slot, ctx):
    o, t = loss_symbols(slot.expr)
    return (t - o) / (o * (1 - o))


def _swapped(ctx):
    wrong = ctx.expected.xreplace(dict(ctx.swaps))
    return [(wrong, None)] if ctx.swaps and wrong != ctx.expected else []


def _negated(ctx):
    s = ctx.chain.shared[0] if ctx.chain.single else None
    if s is not None and s.kind == "activation":
        return []  # −σ′ on its own is the notes' sign slip (its own note)
    return [(-ctx.expected, None)]


def _one_path(ctx):
    out = []
    for k, path in enumerate(ctx.path_products, start=1):
        out += [(path, (k, False)), (-path, (k, True))]
    return out


def _say_minus_sigma_prime(ctx, slot, detail=None):
    s = _s(slot)
    return (f"Sign slip: the sigmoid's derivative is ${s}(1 - {s})$, with no minus sign (the "
            f"notes write $-{ctx.notation.output}(1 - {ctx.notation.output})$ by mistake).")


def _say_one_minus(ctx, slot, detail=None):
    s = _s(slot)
    return (f"You wrote σ′ as $1 - {s}$: the sigmoid's derivative is ${s}(1 - {s})$ — the notes "
            "make this slip for the hidden layer.")


def _say_sigma_itself(ctx, slot, detail=None):
    s = _s(slot)
    return (f"σ in place of σ′: ${s}$ is the sigmoid's value; its slope σ′ is "
            f"${s}(1 - {s})$ — the factor $(1 - {s})$ is missing.")


def _say_dropped(ctx, slot, detail=None):
    if ctx.chain.single:
        return ("σ′ dropped: the output goes through the sigmoid, so its slope is not 1 but "
                f"${_s(slot)}(1 - {_s(slot)})$.")
    return (f"Missing the chain term ${slot.name}$ (σ′, the sigmoid's slope): multiply every "
            "factor of the chain rule.")


def _say_log_likelihood(ctx, slot, detail=None):
    o, t = ctx.notation.output, ctx.notation.target
    return (f"That is $\\frac{{{t} - {o}}}{{{o}(1 - {o})}}$, the derivative of the "
            f"log-likelihood ${t}\\log {o} + (1 - {t})\\log(1 - {o})$, which training "
            "maximises: a loss being minimised has the opposite sign, and this page's loss is "
            f"the squared error $E = \\frac{{1}}{{2}}({t} - {o})^2$, whose derivative is "
            f"${o} - {t}$." + ("" if ctx.chain.single else " (Beside σ′ this multiplies out "
                               "to what σ′ dropped with the sign flipped gives.)"))


def _say_swapped(ctx, slot, detail=None):
    return ("Swapped weight indices: $w_{ij}$ runs from neuron $i$ of the layer below to "
            "neuron $j$ of the layer above; you used the weight the other way round.")


def _say_missing_input(ctx, slot, detail=None):
    if ctx.chain.single:
        return (f"∂z/∂w is the input the weight multiplies (${_latex(slot.expr)}$), not 1: "
                "z is a weighted sum, so its slope in one weight is that weight's input.")
    return (f"Missing the input factor ${slot.name} = {_latex(slot.expr)}$: z is a weighted "
            "sum, so ∂z/∂w is the input the weight multiplies.")


def sign_hint(ctx: Context) -> str:
    o, t = ctx.notation.output, ctx.notation.target
    dedy = f"$\\partial E/\\partial {o} = -({t} - {o}) = {o} - {t}$"
    slots = [*(s for p in ctx.chain.paths for s in p), *ctx.chain.shared]
    s = next((sigma_prime_symbol(sl.expr) for sl in slots if sl.kind == "activation"), None)
    if s is None:
        s = sigma_prime_symbol(ctx.expected)
    if s is not None:
        s_tex = _latex(s)
        return (f"Wrong sign: check each factor — the sigmoid's derivative is "
                f"${s_tex}(1 - {s_tex})$ with no minus sign (the notes' own slip is "
                f"$-{s_tex}(1 - {s_tex})$), and {dedy}.")
    return (f"Wrong sign: check each factor's sign — e.g. {dedy} for "
            f"$E = \\frac{{1}}{{2}}({t} - {o})^2$.")


def _say_negated(ctx, slot, detail=None):
    return sign_hint(ctx)


def _say_one_path(ctx, slot, detail):
    k, negated = detail
    if negated:
        return (f"Only the path through output neuron {k}, and the sign is wrong: sum the paths "
                "over every output neuron.")
    return (f"That is only the path through output neuron {k}: a hidden neuron feeds every "
            "output neuron, so the gradient sums the paths over all of them.")


#: The misconceptions, most specific first (the first that matches is the one named).
NOTES: tuple[AnswerNote, ...] = (
    AnswerNote("minus_sigma_prime", "−ŷ(1 − ŷ) for σ′ (the notes' sign slip)",
               _say_minus_sigma_prime, ("activation",), _minus_sigma_prime),
    AnswerNote("one_minus_y", "1 − ŷ for σ′ (the notes' hidden-layer slip)", _say_one_minus,
               ("activation",), _one_minus, negated_too=True),
    AnswerNote("sigma_for_sigma_prime", "σ in place of σ′", _say_sigma_itself,
               ("activation",), _sigma_itself, negated_too=True),
    # Before "σ′ dropped": beside σ′ = ŷ(1 − ŷ) the log-likelihood's slope multiplies out to
    # y − ŷ, which is also σ′ dropped with the sign flipped (the feedback says both).
    AnswerNote("log_likelihood_sign", "the log-likelihood's derivative for the loss's",
               _say_log_likelihood, ("loss",), _log_likelihood),
    AnswerNote("dropped_sigma_prime", "σ′ dropped", _say_dropped, ("activation",), _dropped,
               negated_too=True),
    AnswerNote("missing_input", "the input factor missing", _say_missing_input, ("input",),
               _dropped, negated_too=True),
    AnswerNote("swapped_indices", "weight indices swapped", _say_swapped, whole=_swapped),
    AnswerNote("one_path", "one path instead of the sum over output neurons", _say_one_path,
               whole=_one_path),
    AnswerNote("wrong_sign", "a wrong sign", _say_negated, whole=_negated),
)
BY_TAG = {note.tag: note for note in NOTES}
MISSING_FACTOR = "missing_factor"  # the generic fallback: chain terms dropped


def _factor_mutations(note: AnswerNote, ctx: Context):
    """(wrong answer, slot) for each place ``note`` applies: a path position (every path's
    factor there at once) or one shared factor."""
    chain = ctx.chain
    if chain.paths:
        for pos in range(min(len(p) for p in chain.paths)):
            new_paths, hit = [], None
            for path in chain.paths:
                slot = path[pos]
                wrong = note.factor(slot, ctx) if slot.kind in note.kinds else None
                if wrong is not None:
                    hit = hit or slot
                    path = (*path[:pos], Slot(slot.name, wrong, slot.kind), *path[pos + 1:])
                new_paths.append(path)
            if hit is not None:
                yield chain.value(path_slots=new_paths), hit
    for idx, slot in enumerate(chain.shared):
        if slot.kind not in note.kinds:
            continue
        wrong = note.factor(slot, ctx)
        if wrong is None:
            continue
        shared = (*chain.shared[:idx], Slot(slot.name, wrong, slot.kind), *chain.shared[idx + 1:])
        yield chain.value(shared=shared), slot


def _fingerprint(expr: sympy.Expr) -> tuple:
    """expr's value at two points fixed by the symbols' names (equal answers, equal prints)."""
    out = []
    for salt in ("", "'"):
        point = {s: sympy.Float(random.Random(s.name + salt).uniform(0.1, 0.9))
                 for s in expr.free_symbols}
        try:
            value = complex(expr.xreplace(point).evalf(12))
        except (TypeError, ValueError, ArithmeticError):
            return (id(expr),)
        out.append((round(value.real, 9), round(value.imag, 9)))
    return tuple(out)


def wrong_answers(ctx: Context) -> list[tuple[str, sympy.Expr, str]]:
    """(tag, wrong answer, feedback) for every note that applies, most specific first, then
    the generic "chain terms dropped" variants. A wrong answer an earlier note already gives
    is left out (the earlier, more specific feedback is the one shown)."""
    out = _all_wrong_answers(ctx)
    seen, kept = set(), []
    for item in out:
        key = _fingerprint(item[1])
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def _all_wrong_answers(ctx: Context) -> list[tuple[str, sympy.Expr, str]]:
    out: list[tuple[str, sympy.Expr, str]] = []
    for note in NOTES:
        if note.whole is not None:
            for wrong, detail in note.whole(ctx):
                out.append((note.tag, wrong, note.feedback(ctx, None, detail)))
            continue
        for wrong, slot in _factor_mutations(note, ctx):
            text = note.feedback(ctx, slot)
            out.append((note.tag, wrong, text))
            if note.negated_too:
                out.append((note.tag, -wrong, text + " The sign is wrong too."))
    chain = ctx.chain
    slots = list(chain.shared) if not chain.paths else [
        Slot(r"\sum_k", chain.value(shared=()), None), *chain.shared]
    if 1 < len(slots) <= _MAX_DROPPED_FACTORS:
        for size in range(1, len(slots)):
            for dropped in itertools.combinations(range(len(slots)), size):
                kept = sympy.Mul(*[s.expr for j, s in enumerate(slots) if j not in dropped])
                names = ", ".join(f"${slots[j].name}$" for j in dropped)
                word = "chain term" if size == 1 else "chain terms"
                text = f"Missing the {word} {names}: multiply every factor of the chain rule."
                out.append((MISSING_FACTOR, kept, text))
                out.append((MISSING_FACTOR, -kept, f"Missing the {word} {names}, and the sign "
                                                   "is wrong."))
    return out


def scale_hint(c: sympy.Expr, notation: Notation) -> str:
    o, t = notation.output, notation.target
    if c in (2, sympy.Rational(1, 2), -2, -sympy.Rational(1, 2)):
        return (f"Off by a factor of 2: the ½ in $E = \\frac{{1}}{{2}}({t} - {o})^2$ cancels "
                "the 2 from the power rule.")
    return f"Off by a constant factor ${_latex(c)}$: check the numbers in each factor."
