"""tanh and its first six derivatives, each the derivative of the one before (HIPS's figure).

``elementwise_grad(f)`` is, for an f that acts element by element, the function x ↦ f′(x), with
the derivative taken at every element of x at once. Its result is again such a function, so
``elementwise_grad`` applied six times gives the sixth derivative: each backward pass is itself
recorded and differentiated by the next one.

The closed forms. With t = tanh x, dt/dx = 1 − t², so the chain rule turns the derivative of any
polynomial P(t) into another polynomial in t:

    d/dx P(t) = P′(t)·(1 − t²),        P_0(t) = t,   P_{k+1}(t) = (1 − t²)·P_k′(t).

    tanh′   = 1 − t²
    tanh″   = −2t + 2t³
    tanh‴   = −2 + 8t² − 6t⁴
    tanh⁽⁴⁾ = 16t − 40t³ + 24t⁵
    tanh⁽⁵⁾ = 16 − 136t² + 240t⁴ − 120t⁶
    tanh⁽⁶⁾ = −272t + 1232t³ − 1680t⁵ + 720t⁷

The script differentiates two functions six times and compares every derivative with these:

* ``al.tanh``, the engine's op (its derivative g·(1 − tanh²x) is recorded as Tensor ops);
* HIPS's own ``tanh(x) = (1 − e^−x) / (1 + e^−x)``, made of exp, subtraction and division. That
  formula is really tanh(x/2) (multiply above and below by e^(x/2)), so its k-th derivative is
  2^−k·P_k(tanh(x/2)): what HIPS's figure draws, and what keeps its curves of one size.

Run: ``python examples/tanh_derivatives.py [--quick] [--out DIR]``.
"""

# %%
from __future__ import annotations

import time

import _common
import numpy as np
from _common import plt
from numpy.polynomial import polynomial

import autograd_lite as al

ORDERS = 6


# %% [markdown]
# ## The closed forms: polynomials in t = tanh x


# %%
def closed_form_polynomials(orders: int = ORDERS) -> list[np.ndarray]:
    """Coefficients (constant term first) of P_0 … P_orders, where the k-th derivative of tanh
    is P_k(tanh x): P_0 = t and P_{k+1} = (1 − t²)·P_k′."""
    polys = [np.array([0.0, 1.0])]
    for _ in range(orders):
        polys.append(polynomial.polymul([1.0, 0.0, -1.0], polynomial.polyder(polys[-1])))
    return polys


def describe(coefficients: np.ndarray) -> str:
    """'−2 + 8t² − 6t⁴' for [−2, 0, 8, 0, −6]."""
    powers = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    terms = []
    for n, c in enumerate(coefficients):
        if c == 0:
            continue
        size = f"{abs(c):g}" if abs(c) != 1 or n == 0 else ""
        variable = "" if n == 0 else "t" if n == 1 else "t" + str(n).translate(powers)
        sign = "−" if c < 0 else "+"
        terms.append((sign, size + variable))
    text = " ".join(f"{sign} {term}" for sign, term in terms)
    return text[2:] if text.startswith("+") else "−" + text[2:]


def closed_form(k: int, x: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """The k-th derivative of tanh(scale·x): scale^k · P_k(tanh(scale·x))."""
    return scale**k * polynomial.polyval(np.tanh(scale * x), closed_form_polynomials(k)[k])


# %% [markdown]
# ## Six derivatives by repeated ``elementwise_grad``


# %%
def hips_tanh(x):
    """HIPS autograd's examples/tanh.py, with al for np: (1 − e^−x) / (1 + e^−x) = tanh(x/2)."""
    return (1.0 - al.exp(-x)) / (1.0 + al.exp(-x))


def derivatives(f, x: np.ndarray, orders: int = ORDERS):
    """[f(x), f′(x), …, f^(orders)(x)] by ``elementwise_grad`` applied again and again, and the
    CPU seconds each order took (each records and differentiates a larger graph)."""
    values, seconds = [np.asarray(f(al.Tensor(x)).data)], []
    for _ in range(orders):
        f = al.elementwise_grad(f)
        start = time.process_time()
        values.append(f(x))
        seconds.append(time.process_time() - start)
    return values, seconds


def relative_errors(values, x: np.ndarray, scale: float) -> list[float]:
    """max |computed − closed form| / max |closed form|, for each order."""
    errors = []
    for k, value in enumerate(values):
        reference = closed_form(k, x, scale)
        errors.append(float(np.abs(value - reference).max() / np.abs(reference).max()))
    return errors


# %% [markdown]
# ## Run it


# %%
def run(quick: bool = False, out: str = "out", verbose: bool = True) -> dict:
    x = np.linspace(-7, 7, 50 if quick else 200)  # HIPS's grid: 200 points on [−7, 7]
    op_values, op_seconds = derivatives(al.tanh, x)
    hips_values, hips_seconds = derivatives(hips_tanh, x)
    result = {
        "x": x,
        "polynomials": closed_form_polynomials(),
        "op_values": op_values,
        "op_errors": relative_errors(op_values, x, 1.0),
        "hips_values": hips_values,
        "hips_errors": relative_errors(hips_values, x, 0.5),
        "op_seconds": op_seconds,
        "hips_seconds": hips_seconds,
    }
    if verbose:
        print("With t = tanh x, the k-th derivative of tanh is P_k(t):")
        for k, coefficients in enumerate(result["polynomials"]):
            print(f"  P_{k}(t) = {describe(coefficients)}")
        print(
            "\nlargest difference from the closed form, relative to the largest value, and the "
            "CPU time of each order:"
        )
        print(" order   al.tanh                HIPS's (1 − e^−x)/(1 + e^−x) = tanh(x/2)")
        for k in range(ORDERS + 1):
            timing = (
                "" if k == 0 else f"{1e3 * op_seconds[k - 1]:6.1f} ms",
                "" if k == 0 else f"{1e3 * hips_seconds[k - 1]:6.1f} ms",
            )
            print(
                f"   {k}     {result['op_errors'][k]:7.1e} {timing[0]:>9}      "
                f"{result['hips_errors'][k]:7.1e} {timing[1]:>9}"
            )
    plot(result, out)
    return result


def plot(result: dict, folder) -> None:
    x = result["x"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), gridspec_kw={"width_ratios": [3, 2]})
    ax = axes[0]
    colors = plt.cm.viridis(np.linspace(0, 0.9, ORDERS + 1))
    for k, (value, color) in enumerate(zip(result["hips_values"], colors)):
        label = "tanh(x/2)" if k == 0 else f"derivative {k}"
        ax.plot(x, value, color=color, lw=2, label=label)
    ax.set(
        title="HIPS's tanh(x) = (1 − e⁻ˣ)/(1 + e⁻ˣ) and 6 derivatives by elementwise_grad",
        xlabel="x",
    )
    ax.axhline(0, color=_common.GREY, lw=0.5)
    ax.legend(fontsize=8, ncol=2, loc="upper left")
    ax = axes[1]
    orders = np.arange(ORDERS + 1)
    floor = 1e-17  # where an exact 0 is drawn, on the log scale
    for errors, style, color, label in (
        (result["op_errors"], "o-", _common.BLUE, "al.tanh"),
        (result["hips_errors"], "s--", _common.RED, "(1 − e⁻ˣ)/(1 + e⁻ˣ)"),
    ):
        ax.semilogy(orders, np.maximum(errors, floor), style, color=color, label=label)
    ax.axhline(np.finfo(float).eps, color=_common.GREY, lw=0.8, ls=":")
    ax.text(
        ORDERS, 1.4 * np.finfo(float).eps, "machine ε", color=_common.GREY, fontsize=8, ha="right"
    )
    ax.text(0, 1.4 * floor, "exact", color=_common.GREY, fontsize=8)
    ax.set_ylim(0.5 * floor, 1e-11)
    ax.set(
        xlabel="order of the derivative",
        ylabel="max |error| / max |closed form|",
        title="Against the closed forms P_k(tanh x)",
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    _common.save(fig, folder, "tanh_derivatives.png")


def main(argv: list[str] | None = None) -> dict:
    args = _common.parse(_common.parser(__doc__), argv)
    return run(quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
