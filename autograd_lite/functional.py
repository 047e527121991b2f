"""JAX-style function transformations: ``grad`` and ``value_and_grad``.

    W_grad, b_grad = grad(loss, (0, 1))(W, b)

``grad(f)`` is a new function: called with the same arguments as ``f``, it returns ∂f/∂(the
chosen arguments) as arrays instead of f's value. ``f`` must return a one-element Tensor.
"""

from __future__ import annotations

from .tensor import Tensor


def grad(f, argnums=0):
    """The function that returns the gradient of ``f`` with respect to argument(s) ``argnums``.

    With an int ``argnums`` it returns one array; with a tuple, a tuple of arrays in that order.
    """

    def gradient(*args, **kwargs):
        return _value_and_grad(f, argnums, args, kwargs)[1]

    gradient.__name__ = f"grad_of_{getattr(f, '__name__', 'f')}"
    return gradient


def value_and_grad(f, argnums=0):
    """Like ``grad``, but the new function returns ``(f's value, gradient)``."""

    def value_and_gradient(*args, **kwargs):
        return _value_and_grad(f, argnums, args, kwargs)

    return value_and_gradient


def _value_and_grad(f, argnums, args, kwargs):
    positions = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    args = list(args)
    for n in positions:
        if not -len(args) <= n < len(args):
            raise ValueError(f"argnums {n} is out of range for {len(args)} positional arguments")
    leaves = []
    for n in positions:
        data = args[n].data if isinstance(args[n], Tensor) else args[n]
        leaf = Tensor(data, requires_grad=True)
        args[n] = leaf
        leaves.append(leaf)
    out = f(*args, **kwargs)
    if not isinstance(out, Tensor):
        raise TypeError(f"grad needs f to return a Tensor, got {type(out).__name__}")
    if out.size != 1:
        raise TypeError(f"grad needs f to return one number; its output has shape {out.shape}")
    if out.requires_grad:
        out.backward()
    grads = tuple(leaf.grad if leaf.grad is not None else leaf.data * 0 for leaf in leaves)
    return out.data, grads[0] if isinstance(argnums, int) else grads
