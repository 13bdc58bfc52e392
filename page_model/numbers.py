"""The one number formatter every page uses for numbers in text.

Large and tiny numbers are printed in scientific notation (1.23×10⁸, 4.5×10⁻⁷), never as a
250-digit fixed-point string. The switch follows printf's %g (the rule the number tables'
"%.6g" columns use too): scientific when the exponent is below −4 or at least ``digits``.
"""

from __future__ import annotations

import math

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def fmt(value, digits: int = 4) -> str:
    """``value`` to ``digits`` significant digits, scientific where %g would be."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    text = f"{v:.{int(digits)}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    exp = str(int(exponent)).translate(_SUPERSCRIPT)
    return f"10{exp}" if mantissa == "1" else f"{mantissa}×10{exp}"


def fmt_share(value: float) -> str:
    """A share as a percentage; shares that round to 0 % or 100 % but are not say so."""
    v = float(value)
    if math.isnan(v):
        return "—"
    if 0 < v < 0.005:
        return "< 1%"
    if 0.995 <= v < 1:
        return "> 99%"
    return f"{v:.0%}"


def fmt_latex(value, digits: int = 4) -> str:
    """``fmt`` for inside a formula: 1.23 \\times 10^{8}."""
    text = fmt(value, digits)
    if "×10" in text or text.startswith("10"):
        mantissa, _, exp = text.partition("10")
        exp = exp.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-"))
        mantissa = mantissa.rstrip("×")
        return (rf"{mantissa} \times " if mantissa else "") + f"10^{{{exp}}}"
    return text.replace("∞", r"\infty").replace("NaN", r"\text{NaN}")
