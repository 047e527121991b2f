"""``Tensor``: an n-dimensional array that records the ops applied to it, and ``backward``.

Each Tensor made by an op keeps its parents (``_prev``), the op's name (``_op``) and one
vector-Jacobian product per parent (``_vjps``, see ``primitive.py``). ``backward()`` walks this
graph from the output to the inputs, in reverse topological order, applying the chain rule:

    ∂z/∂parent += vjp_parent(∂z/∂node)         for every node, the output first.

The gradients of intermediate nodes are dropped as soon as they have been passed on, and each
node's saved arrays are released after its step, unless ``retain_graph=True``.
"""

from __future__ import annotations

import numbers

import numpy

from . import backend
from .graph import topological_order
from .modes import check_finite, modes


class Tensor:
    """An array (NumPy or CuPy) with an optional gradient.

    Args:
        data: an ndarray (NumPy, or CuPy for the GPU; its memory is shared, not copied), a
            Python number or a nested list of numbers, or another Tensor.
        requires_grad: whether ``backward()`` should compute ∂z/∂(this tensor) into ``.grad``.
        dtype: the NumPy dtype to convert to. Without it, arrays keep their dtype, Python floats
            become float32 and Python ints int64, as in PyTorch.
        device: 'cpu' (default) or 'cuda' / 'cuda:N' (needs CuPy and a GPU).
    """

    __slots__ = ("data", "grad", "requires_grad", "label", "_prev", "_vjps", "_op",
                 "_retains_grad", "__weakref__")

    # Make NumPy hand ``ndarray <op> Tensor`` over to Tensor's reflected methods.
    __array_ufunc__ = None

    def __init__(self, data, requires_grad: bool = False, dtype=None, device=None, label=""):
        array = _to_array(data, dtype)
        if device is not None:
            array = backend.to_device(array, device)
        if requires_grad and array.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require gradients, got dtype {array.dtype}"
            )
        self.data = array
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.label = label
        self._prev = ()
        self._vjps = None
        self._op = ""
        self._retains_grad = False

    @classmethod
    def _from_op(cls, data, parents: tuple, vjps, op: str) -> Tensor:
        """The output of an op (used by ``apply``; skips the checks of ``__init__``)."""
        out = cls.__new__(cls)
        out.data = data
        out.grad = None
        out.requires_grad = vjps is not None
        out.label = ""
        out._prev = parents
        out._vjps = vjps
        out._op = op
        out._retains_grad = False
        return out

    # ---- array facts -----------------------------------------------------------------------

    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def size(self) -> int:
        return int(self.data.size)

    @property
    def device(self) -> str:
        return backend.device_of(self.data)

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user rather than by an op that recorded a graph."""
        return not self._prev

    @property
    def op(self) -> str:
        """The name of the op that made this tensor ('' for a leaf)."""
        return self._op

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __array__(self, dtype=None, copy=None):
        if backend.array_module(self.data) is not numpy:
            raise TypeError(
                f"a tensor on {self.device} cannot become a NumPy array implicitly; "
                "call .numpy() or .to('cpu') first"
            )
        array = self.data
        if dtype is not None and array.dtype != dtype:
            if copy is False:
                raise ValueError(f"a tensor of dtype {array.dtype} needs a copy to become {dtype}")
            return array.astype(dtype)
        return array.copy() if copy else array

    def numpy(self) -> numpy.ndarray:
        """The data as a NumPy array (copied from the GPU when the tensor lives there)."""
        return backend.to_device(self.data, "cpu")

    def item(self):
        """The single element as a Python number."""
        if self.data.size != 1:
            raise ValueError(
                f"item() needs a tensor with one element, this one has shape {self.shape}"
            )
        return self.data.item()

    def detach(self) -> Tensor:
        """The same data, cut off from the graph (no gradient flows through it)."""
        return Tensor._from_op(self.data, (), None, "")

    def to(self, device) -> Tensor:
        """This tensor on ``device`` ('cpu', 'cuda' or 'cuda:N'); differentiable."""
        device = backend.normalize_device(device)
        if device == self.device:
            return self
        return ops.to_device(self, device=device)

    def cpu(self) -> Tensor:
        return self.to("cpu")

    def cuda(self) -> Tensor:
        return self.to("cuda")

    def retain_grad(self) -> Tensor:
        """Keep ``.grad`` of this intermediate tensor after ``backward()`` (leaves always do)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad")
        self._retains_grad = True
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` of a leaf in place; returns the tensor."""
        if self._prev:
            raise RuntimeError("requires_grad_() can only change leaf tensors")
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require gradients, got dtype {self.dtype}"
            )
        self.requires_grad = bool(requires_grad)
        return self

    def __repr__(self) -> str:
        body = numpy.array2string(backend.to_device(self.data, "cpu"), separator=", ",
                                  prefix="Tensor(", threshold=60, precision=4)
        extras = [f"dtype={self.dtype}"]
        if self.device != "cpu":
            extras.append(f"device='{self.device}'")
        if self._op:
            extras.append(f"op='{self._op}'")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return f"Tensor({body}, {', '.join(extras)})"

    # ---- backward ----------------------------------------------------------------------------

    def backward(self, grad=None, retain_graph: bool = False) -> None:
        """Accumulate ∂self/∂leaf into ``leaf.grad`` for every leaf that requires grad.

        Args:
            grad: ∂z/∂self when ``self`` is not a scalar (an array or Tensor of self's shape);
                defaults to 1 for a one-element tensor.
            retain_graph: keep the saved arrays so that backward can run through this graph
                again; by default they are released as soon as they have been used.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that does not require grad: no input of the ops that "
                "made it has requires_grad=True (or it was made under no_grad())"
            )
        seed = self._seed_gradient(grad)
        grads = {id(self): seed}  # ∂z/∂node for the nodes reached and not yet passed on
        handed_out = set()  # ids of the arrays already stored in some .grad
        for node in reversed(topological_order(self)):
            g = grads.pop(id(node), None)
            if g is None:
                continue
            if not node._prev or node._retains_grad:
                node._accumulate_grad(g, handed_out)
            if not node._prev:
                continue
            vjps = node._vjps
            if vjps is None:
                raise RuntimeError(
                    f"backward through op {node._op} a second time: its saved arrays were "
                    "released by the first backward(); pass retain_graph=True to the first "
                    "call to keep them"
                )
            for parent, vjp in zip(node._prev, vjps):
                if vjp is None or not parent.requires_grad:
                    continue  # a None VJP: this argument has no gradient (an index, a mask)
                parent_grad = vjp(g)
                like = parent.data
                if (parent_grad.__class__ is not like.__class__
                        or parent_grad.shape != like.shape or parent_grad.dtype != like.dtype):
                    parent_grad = _fit_to(parent_grad, like, node._op)
                if modes.detect_anomaly:
                    check_finite(parent_grad, node._op, "backward", [g])
                key = id(parent)
                if key in grads:
                    grads[key] = grads[key] + parent_grad
                else:
                    grads[key] = parent_grad
            if not retain_graph:
                node._vjps = None

    def _seed_gradient(self, grad):
        xp = backend.array_module(self.data)
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() without a grad argument needs a one-element output; this "
                    f"tensor has shape {self.shape}: reduce it (e.g. .sum()) or pass "
                    "grad= with that shape"
                )
            return xp.ones_like(self.data)
        seed = grad.data if isinstance(grad, Tensor) else xp.asarray(grad)
        if seed.shape != self.shape:
            raise ValueError(
                f"backward(grad=...) needs a gradient of shape {self.shape}, got {seed.shape}"
            )
        return seed.astype(self.dtype, copy=True)

    def _accumulate_grad(self, g, handed_out: set) -> None:
        # .grad must own its memory: a user may change it in place (clipping, say), which must
        # not touch another tensor's gradient that happens to share the array.
        if g.base is not None or id(g) in handed_out:
            g = g.copy()
        if self.grad is None:
            self.grad = g
        else:
            self.grad = self.grad + g
        handed_out.add(id(self.grad))

    # ---- operators ---------------------------------------------------------------------------

    def __add__(self, other):
        return ops.add(self, other)

    def __radd__(self, other):
        return ops.add(other, self)

    def __sub__(self, other):
        return ops.sub(self, other)

    def __rsub__(self, other):
        return ops.sub(other, self)

    def __mul__(self, other):
        return ops.mul(self, other)

    def __rmul__(self, other):
        return ops.mul(other, self)

    def __truediv__(self, other):
        return ops.div(self, other)

    def __rtruediv__(self, other):
        return ops.div(other, self)

    def __pow__(self, exponent):
        return ops.power(self, exponent)

    def __rpow__(self, base):
        return ops.power(base, self)

    def __neg__(self):
        return ops.neg(self)

    def __matmul__(self, other):
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __getitem__(self, index):
        return ops.getitem(self, index=_unwrap_index(index))

    # Comparisons give boolean tensors that carry no gradient.
    def __lt__(self, other):
        return _compare(numpy.less, self, other)

    def __le__(self, other):
        return _compare(numpy.less_equal, self, other)

    def __gt__(self, other):
        return _compare(numpy.greater, self, other)

    def __ge__(self, other):
        return _compare(numpy.greater_equal, self, other)

    def __eq__(self, other):
        return _compare(numpy.equal, self, other)

    def __ne__(self, other):
        return _compare(numpy.not_equal, self, other)

    __hash__ = object.__hash__  # identity, as for any graph node

    def __bool__(self):
        return bool(self.data)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    # ---- methods that mirror the functions in ops --------------------------------------------

    @property
    def T(self) -> Tensor:
        """All axes reversed (NumPy's ``.T``)."""
        return ops.transpose(self)

    def exp(self):
        return ops.exp(self)

    def log(self):
        return ops.log(self)

    def sqrt(self):
        return ops.sqrt(self)

    def abs(self):
        return ops.abs(self)

    def tanh(self):
        return ops.tanh(self)

    def sigmoid(self):
        return ops.sigmoid(self)

    def relu(self):
        return ops.relu(self)

    def maximum(self, other):
        return ops.maximum(self, other)

    def minimum(self, other):
        return ops.minimum(self, other)

    def clip(self, min=None, max=None):
        return ops.clip(self, min=min, max=max)

    def sum(self, axis=None, keepdims=False):
        return ops.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return ops.mean(self, axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        return ops.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        return ops.min(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape):
        return ops.reshape(self, *shape)

    def transpose(self, *axes):
        return ops.transpose(self, *axes)

    def expand(self, *shape):
        return ops.expand(self, *shape)

    def softmax(self, axis=-1):
        return ops.softmax(self, axis=axis)

    def log_softmax(self, axis=-1):
        return ops.log_softmax(self, axis=axis)

    def logsumexp(self, axis=-1, keepdims=False):
        return ops.logsumexp(self, axis=axis, keepdims=keepdims)

    def pow(self, exponent):
        return ops.power(self, exponent)

    def matmul(self, other):
        return ops.matmul(self, other)


def _to_array(data, dtype):
    """The ndarray a Tensor holds, following PyTorch's rules for default dtypes."""
    if isinstance(data, Tensor):
        data = data.data
    if backend.is_array(data):
        array = data
    elif isinstance(data, numpy.generic):
        array = numpy.asarray(data)
    else:
        if isinstance(data, (str, bytes)) or data is None:
            raise TypeError(f"a Tensor cannot hold {type(data).__name__} data: {data!r}")
        try:
            array = numpy.asarray(data)
        except ValueError as error:  # ragged nested lists
            raise ValueError(f"cannot make a Tensor from this data: {error}") from None
        if array.dtype.kind == "f" and dtype is None:
            array = array.astype(numpy.float32)  # Python floats become float32
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"a Tensor holds numbers (bool, int or float), got an array of dtype {array.dtype}"
        )
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    return array


def _fit_to(grad, like, op: str):
    """``grad`` as an array of ``like``'s shape, dtype and kind: sums out broadcast axes.

    The one place where broadcasting is undone: an input of shape (3, 1) that was broadcast to
    (2, 3, 4) gets the sum of its gradient over axis 0 and over axis 2.
    """
    if grad.shape != like.shape:
        grad = sum_to(grad, like.shape)
        if grad.shape != like.shape:
            raise RuntimeError(
                f"the vector-Jacobian product of op {op} returned shape {grad.shape} for an "
                f"input of shape {like.shape}"
            )
    if grad.dtype != like.dtype:
        grad = grad.astype(like.dtype)
    if grad.__class__ is not like.__class__:
        grad = backend.array_module(like).asarray(grad)
    return grad


def sum_to(grad, shape: tuple):
    """Sum ``grad`` over the axes that broadcasting added or stretched, to get ``shape``."""
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape)
                      if n == 1 and i < grad.ndim and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def _unwrap_index(index):
    """An index with its Tensors replaced by their arrays."""
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in index)
    return index


def _compare(ufunc, a, b):
    if isinstance(b, Tensor):
        b = b.data
    elif not (isinstance(b, numbers.Number) or backend.is_array(b)):
        return NotImplemented
    xp = backend.array_module(a.data)
    return Tensor._from_op(getattr(xp, ufunc.__name__)(a.data, b), (), None, "")


from . import ops  # noqa: E402  (ops needs Tensor, defined above)
