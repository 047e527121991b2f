"""``Tensor``: an n-dimensional array that records the ops applied to it, and ``backward``.

Each Tensor made by an op keeps its parents (``_prev``), the op's name (``_op``) and one
vector-Jacobian product per parent (``_vjps``, see ``primitive.py``). ``backward()`` walks this
graph from the output to the inputs (``backprop.py``), applying the chain rule:

    ∂z/∂parent += vjp_parent(∂z/∂node)         for every node, the output first.

In-place changes (``+=``, ``x[i] = v``, ``add_()``, …) follow PyTorch's rules: they change the
array and keep the tensor's identity when no graph has to record them (inside ``no_grad()``, or
when no gradient is involved), are refused on a leaf that requires grad, and each one stamps the
tensor with a new version, so that a backward pass through an op whose input has changed since
the forward raises instead of returning a wrong gradient.
"""

from __future__ import annotations

import numbers
import threading

import numpy

from . import backend, modes


class Tensor:
    """An array (NumPy or CuPy) with an optional gradient.

    Args:
        data: an ndarray (NumPy, or CuPy for the GPU; its memory is shared, not copied), a
            Python number or a nested list of numbers, or another Tensor.
        requires_grad: whether ``backward()`` should compute ∂z/∂(this tensor) into ``.grad``.
        dtype: the NumPy dtype to convert to. Without it, arrays keep their dtype, Python floats
            become float32 and Python ints int64, as in PyTorch.
        device: 'cpu' (default) or 'cuda' / 'cuda:N' (needs CuPy and a GPU).

    Methods and functions follow NumPy (``x.sum(axis=0, keepdims=True)``) and take PyTorch's
    spellings too, by these rules, so that a PyTorch spelling never silently means something
    else:

    - ``dim=`` and ``keepdim=`` are accepted wherever ``axis=`` and ``keepdims=`` are (also
      ``dims=``, ``shifts=``, ``dim0=``/``dim1=``, ``min=``/``max=``, ``diagonal=`` where
      PyTorch uses them). Where PyTorch's answer to a call spelled that way differs from
      NumPy's, the call gets PyTorch's: ``x.max(dim=1)`` and ``x.min(dim=1)`` return the pair
      (values, indices); ``x.var(dim=0)`` and ``x.std(dim=0)`` are the sample estimates
      (ddof 1), while ``x.var()`` and ``x.var(axis=0)`` are NumPy's population ones (ddof 0;
      ``ddof=``, ``correction=`` and ``unbiased=`` say which explicitly);
      ``x.split(n)`` (a method NumPy arrays lack) cuts pieces of n elements, as PyTorch does.
    - ``x.transpose(a, b)`` with two axes swaps them, on a tensor of any number of
      dimensions, as in PyTorch: on a 2-D tensor ``x.transpose(0, 1)`` is the transpose, never
      the identity permutation NumPy would read. One tuple (``x.transpose((2, 0, 1))``), or N
      axes of an N-d tensor with N > 2, is NumPy's permutation; no axes reverse them all.
    - ``x.repeat(n)`` means different things in NumPy (each element n times) and PyTorch
      (the whole tensor n times), so it needs ``axis=`` (NumPy's meaning); PyTorch's is
      ``x.tile(n)``, and ``x.repeat_interleave(n, dim=k)`` is NumPy's under PyTorch's name.
    - ``x.view(shape)`` is PyTorch's reshape; NumPy's ``view(dtype)`` is refused.
    - ``x.size`` is NumPy's element count (an int), not PyTorch's ``size()``; ``x.shape``
      serves both.
    """

    __slots__ = (
        "data",
        "grad",
        "requires_grad",
        "label",
        "_prev",
        "_vjps",
        "_op",
        "_retains_grad",
        "_replay",
        "_version",
        "_created",
        "__weakref__",
    )

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
        self._replay = None
        self._version = 0
        self._created = 0

    @classmethod
    def _from_op(cls, data, parents: tuple, vjps, op: str, replay=None) -> Tensor:
        """The output of an op (skips the checks of ``__init__``); ``primitive`` makes the
        nodes of recorded ops the same way.

        ``replay`` is ``(fn, args, params)``: the call to run again on Tensors when a backward
        pass must itself be recorded (``create_graph=True``).
        """
        out = cls.__new__(cls)
        out.data = data
        out.grad = None
        out.requires_grad = vjps is not None
        out.label = ""
        out._prev = parents
        out._vjps = vjps
        out._op = op
        out._retains_grad = False
        out._replay = replay
        out._version = 0
        out._created = versions.latest
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
        """True for tensors made by the user, and for every tensor that does not require grad;
        False for the outputs of recorded ops (also after ``backward()`` released their graph)."""
        return not (self.requires_grad and self._op)

    @property
    def op(self) -> str:
        """The name of the op that made this tensor ('' for a leaf)."""
        return self._op

    @property
    def parents(self) -> tuple:
        """The Tensor arguments of the op that made this tensor, in order: the graph that
        ``backward()`` walks. Empty for a leaf, for a result that was not recorded (no input
        requires grad, or made under ``no_grad()``), and once ``backward()`` released it."""
        return self._prev

    @property
    def retains_grad(self) -> bool:
        """Whether ``retain_grad()`` was called, so that this non-leaf keeps ``.grad``."""
        return self._retains_grad

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

    def astype(self, dtype) -> Tensor:
        """The data converted to ``dtype``; differentiable between floating-point dtypes."""
        return ops.astype(self, dtype=dtype)

    def to(self, device) -> Tensor:
        """This tensor on ``device`` ('cpu', 'cuda' or 'cuda:N'); differentiable."""
        device = backend.normalize_device(device)
        if device == self.device:
            return self
        return ops.to(self, device=device)

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
        if not self.is_leaf:
            raise RuntimeError("requires_grad_() can only change leaf tensors")
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require gradients, got dtype {self.dtype}"
            )
        self.requires_grad = bool(requires_grad)
        return self

    def __repr__(self) -> str:
        body = numpy.array2string(
            backend.to_device(self.data, "cpu"),
            separator=", ",
            prefix="Tensor(",
            threshold=60,
            precision=4,
        )
        extras = [f"dtype={self.dtype}"]
        if self.device != "cpu":
            extras.append(f"device='{self.device}'")
        if self._op:
            extras.append(f"op='{self._op}'")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return f"Tensor({body}, {', '.join(extras)})"

    # ---- backward ----------------------------------------------------------------------------

    def backward(
        self,
        grad=None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        *,
        gradient=None,
    ) -> None:
        """Accumulate ∂self/∂leaf into ``leaf.grad`` for every leaf that requires grad.

        Args:
            grad: ∂z/∂self when ``self`` is not a scalar (an array or Tensor of self's shape);
                defaults to 1 for a one-element tensor. ``gradient=`` is PyTorch's name for it.
            retain_graph: keep the graph, so that backward can run through it again; by default
                (False, or True with ``create_graph``) each node's saved arrays and links to its
                parents are released as soon as they have been used, so that a tensor kept
                afterwards (a loss summed over steps, say) does not keep the activations alive.
            create_graph: record the backward pass itself, so that it can be differentiated
                again: ``.grad`` then holds a Tensor that requires grad (PyTorch's behaviour),
                not an array.
        """
        if gradient is not None:
            if grad is not None:
                raise TypeError("backward() got both grad= and gradient=; they are one argument")
            grad = gradient
        backprop.backward(
            self,
            grad,
            retain_graph=create_graph if retain_graph is None else retain_graph,
            create_graph=create_graph,
        )

    # ---- in-place changes ---------------------------------------------------------------------

    def __iadd__(self, other):
        return self._update("+=", "add", other)

    def __isub__(self, other):
        return self._update("-=", "subtract", other)

    def __imul__(self, other):
        return self._update("*=", "multiply", other)

    def __itruediv__(self, other):
        return self._update("/=", "true_divide", other)

    def add_(self, other, alpha=1) -> Tensor:
        """self += alpha·other, in place (PyTorch's ``add_``)."""
        return self._change("add_", "add", other if alpha == 1 else _scaled(other, alpha))

    def sub_(self, other, alpha=1) -> Tensor:
        """self -= alpha·other, in place."""
        return self._change("sub_", "subtract", other if alpha == 1 else _scaled(other, alpha))

    def mul_(self, other) -> Tensor:
        """self *= other, in place."""
        return self._change("mul_", "multiply", other)

    def div_(self, other) -> Tensor:
        """self /= other, in place."""
        return self._change("div_", "true_divide", other)

    def copy_(self, source) -> Tensor:
        """Overwrite the data with ``source`` (broadcast, converted to this tensor's dtype and
        device), in place."""
        self._refuse_recorded_change("copy_", source)
        source = source.data if isinstance(source, Tensor) else source
        if backend.is_array(source):
            source = backend.to_device(source, self.device)
        self._write(
            "copy_", lambda data: backend.array_module(data).copyto(data, source, casting="unsafe")
        )
        return self

    def fill_(self, value) -> Tensor:
        """Set every element to the number ``value``, in place."""
        self._refuse_recorded_change("fill_", None)
        self._write("fill_", lambda data: data.fill(value))
        return self

    def zero_(self) -> Tensor:
        """Set every element to 0, in place."""
        return self.fill_(0)

    def __setitem__(self, index, value):
        self._refuse_recorded_change("item assignment", value)
        value = value.data if isinstance(value, Tensor) else value
        if backend.is_array(value):
            _check_same_device(self, value, "item assignment")
        index = _unwrap_index(index)

        def assign(data):
            data[index] = value

        self._write("item assignment", assign)

    def _update(self, symbol, ufunc, other):
        """``self <op>= other``: in place when no graph has to record it.

        When one must (gradients are on and self or other requires grad), the op is recorded out
        of place and Python rebinds the name to the result, as in HIPS autograd and JAX: other
        names for the old tensor keep its old value.
        """
        if _operand(other) is None:
            return NotImplemented
        if self._recorded(other, symbol):
            return getattr(ops, _OUT_OF_PLACE[ufunc])(self, other)
        self._apply_ufunc(symbol, ufunc, other)
        return self

    def _change(self, name, ufunc, other) -> Tensor:
        """A named in-place method (``add_`` …): always in place, refused inside a graph."""
        if _operand(other) is None:
            raise TypeError(
                f"{name}() takes a Tensor, an array or a number, got {type(other).__name__}"
            )
        self._refuse_recorded_change(name + "()", other)
        self._apply_ufunc(name + "()", ufunc, other)
        return self

    def _recorded(self, other, what) -> bool:
        """Whether ``self <what> other`` must be recorded in a graph; raises for a leaf."""
        if not (self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)):
            return False
        if not modes.is_grad_enabled():
            return False
        if self.requires_grad and self.is_leaf:
            raise RuntimeError(
                f"{what} on a leaf tensor that requires grad: this would change a value that "
                "gradients are computed for. Do updates inside `with no_grad():` (as optimizers "
                "do), or compute a new tensor out of place"
            )
        return True

    def _refuse_recorded_change(self, what, other) -> None:
        if self._recorded(other, what):
            raise RuntimeError(
                f"{what} on a tensor that takes part in a recorded graph: its backward pass "
                "would read the changed value. Compute a new tensor out of place (y = y + x, "
                "al.where(...), al.concatenate(...)), or make the change inside `with "
                "no_grad():` if it must not be differentiated"
            )

    def _apply_ufunc(self, what, ufunc, other) -> None:
        other = other.data if isinstance(other, Tensor) else _operand(other)
        if backend.is_array(other):
            _check_same_device(self, other, what)

        def compute(data):
            xp = backend.array_module(data)
            getattr(xp, ufunc)(data, other, out=data)

        self._write(what, compute)

    def _write(self, what, change) -> None:
        """Run ``change(self.data)``, which changes the array in place, then stamp a version."""
        try:
            change(self.data)
        except TypeError as error:  # NumPy's casting errors are TypeErrors
            raise TypeError(
                f"{what} cannot store the result in a tensor of dtype {self.dtype} ({error})"
            ) from None
        except ValueError as error:
            raise ValueError(f"{what} on a tensor of shape {self.shape}: {error}") from None
        self._version = versions.next()

    def _check_version(self, node) -> None:
        """Raise if this tensor (an input or the output of ``node``) changed after ``node`` ran."""
        if self._version > node._created:
            what = "its output" if self is node else "one of its inputs"
            name = f" '{self.label}'" if self.label else ""
            raise RuntimeError(
                f"backward through op {node._op}: {what}{name} (shape {self.shape}) was changed "
                "in place after the op ran, so the gradient would use the new value. Make the "
                "change after backward(), or work on a copy"
            )

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
        if isinstance(other, (list, tuple)):  # operators take no lists, as in PyTorch
            return NotImplemented
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        if isinstance(other, (list, tuple)):
            return NotImplemented
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

    # Logical operators, for boolean masks; they carry no gradient either.
    def __and__(self, other):
        return _compare(numpy.logical_and, self, other)

    def __or__(self, other):
        return _compare(numpy.logical_or, self, other)

    def __invert__(self):
        return Tensor._from_op(backend.array_module(self.data).invert(self.data), (), None, "")

    __hash__ = object.__hash__  # identity, as for any graph node

    def __bool__(self):
        return bool(self.data)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    # ---- methods that mirror the functions in ops --------------------------------------------
    # NumPy's signatures. PyTorch's keywords (dim=, keepdim=, ...) are passed on to the functions
    # of ``ops``, which accept them (see the class docstring).

    @property
    def T(self) -> Tensor:
        """All axes reversed (NumPy's ``.T``)."""
        return ops.transpose(self)

    def t(self) -> Tensor:
        """The transpose of a matrix (PyTorch's ``t()``; a vector is returned as it is)."""
        if self.ndim > 2:
            raise ValueError(
                f"t() needs at most 2 dimensions, this tensor has shape {self.shape}"
                "; use transpose(a, b) or permute(...)"
            )
        return ops.transpose(self)

    def exp(self):
        return ops.exp(self)

    def log(self):
        return ops.log(self)

    def log1p(self):
        return ops.log1p(self)

    def sqrt(self):
        return ops.sqrt(self)

    def abs(self):
        return ops.abs(self)

    __abs__ = abs

    def sin(self):
        return ops.sin(self)

    def cos(self):
        return ops.cos(self)

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

    def clip(self, a_min=None, a_max=None, **names):
        return ops.clip(self, a_min=a_min, a_max=a_max, **names)

    clamp = clip

    def pow(self, exponent):
        return ops.power(self, exponent)

    def sum(self, axis=None, keepdims=False, **names):
        return ops.sum(self, axis=axis, keepdims=keepdims, **names)

    def mean(self, axis=None, keepdims=False, **names):
        return ops.mean(self, axis=axis, keepdims=keepdims, **names)

    def prod(self, axis=None, keepdims=False, **names):
        return ops.prod(self, axis=axis, keepdims=keepdims, **names)

    def var(self, axis=None, ddof=None, keepdims=False, **names):
        return ops.var(self, axis, ddof, keepdims, **names)

    def std(self, axis=None, ddof=None, keepdims=False, **names):
        return ops.std(self, axis, ddof, keepdims, **names)

    def max(self, axis=None, keepdims=False, **names):
        return ops.max(self, axis, keepdims, **names)

    def min(self, axis=None, keepdims=False, **names):
        return ops.min(self, axis, keepdims, **names)

    def argmax(self, axis=None, keepdims=False, **names):
        return ops.argmax(self, axis=axis, keepdims=keepdims, **names)

    def argmin(self, axis=None, keepdims=False, **names):
        return ops.argmin(self, axis=axis, keepdims=keepdims, **names)

    def cumsum(self, axis=None, **names):
        return ops.cumsum(self, axis=axis, **names)

    def logsumexp(self, axis=-1, keepdims=False, **names):
        return ops.logsumexp(self, axis=axis, keepdims=keepdims, **names)

    def softmax(self, axis=-1, **names):
        return ops.softmax(self, axis=axis, **names)

    def log_softmax(self, axis=-1, **names):
        return ops.log_softmax(self, axis=axis, **names)

    def matmul(self, other):
        return ops.matmul(self, other)

    def dot(self, other):
        return ops.dot(self, other)

    def outer(self, other):
        return ops.outer(self, other)

    def diag(self, k=0):
        return ops.diag(self, k)

    def diagonal(self, offset=0, axis1=0, axis2=1, **names):
        return ops.diagonal(self, offset=offset, axis1=axis1, axis2=axis2, **names)

    def trace(self, offset=0, axis1=0, axis2=1):
        return ops.trace(self, offset, axis1, axis2)

    def tril(self, k=0, **names):
        return ops.tril(self, k=k, **names)

    def triu(self, k=0, **names):
        return ops.triu(self, k=k, **names)

    def reshape(self, *shape):
        return ops.reshape(self, *shape)

    def view(self, *shape):
        return ops.view(self, *shape)

    def ravel(self):
        return ops.ravel(self)

    def flatten(self, start_dim=0, end_dim=-1):
        return ops.flatten(self, start_dim, end_dim)

    def transpose(self, *axes, **names):
        """See the class docstring: ``transpose(a, b)`` swaps two axes (PyTorch), one tuple or N
        axes of an N-d tensor with N > 2 permute them (NumPy), none reverse them."""
        return ops.transpose(self, *axes, **names)

    def permute(self, *dims):
        return ops.permute(self, *dims)

    def swapaxes(self, axis1, axis2):
        return ops.swapaxes(self, axis1, axis2)

    def squeeze(self, axis=None, **names):
        return ops.squeeze(self, axis=axis, **names)

    def unsqueeze(self, dim):
        return ops.expand_dims(self, dim)

    def expand(self, *shape):
        return ops.expand(self, *shape)

    def repeat(self, *repeats, **names):
        """NumPy's ``x.repeat(n, axis=k)`` (each element n times along axis k; ``axis=None``
        flattens first). PyTorch's ``x.repeat(2, 3)`` tiles the whole tensor instead, so without
        ``axis=`` (or ``dim=``) the call is refused rather than guessed: write ``x.tile(...)``
        for PyTorch's meaning."""
        if not names:
            raise TypeError(
                f"repeat{repeats}: NumPy repeats each element (x.repeat(n, axis=k), also "
                "x.repeat_interleave(n, dim=k)) and PyTorch tiles the whole tensor "
                f"(x.tile({repeats if len(repeats) != 1 else repeats[0]})); say which with "
                "axis= or use tile()"
            )
        return ops.repeat(self, *repeats, **names)

    def repeat_interleave(self, repeats, dim=None):
        return ops.repeat(self, repeats, axis=dim)

    def tile(self, *reps, **names):
        return ops.tile(self, ops._shape_arg(reps), **names) if reps else ops.tile(self, **names)

    def roll(self, *shift_and_axis, **names):
        return ops.roll(self, *shift_and_axis, **names)

    def flip(self, *axes, **names):
        return ops.flip(self, ops._shape_arg(axes) if axes else None, **names)

    def split(self, split_size_or_sections, dim=0):
        """PyTorch's ``split``: pieces of ``split_size_or_sections`` elements along ``dim`` (or
        of the sizes in a list); NumPy's function is ``ops.split``."""
        return ops.split(self, split_size_or_sections, dim=dim)

    def clone(self):
        return ops.clone(self)

    def float(self):
        """This tensor as float32 (PyTorch's ``float()``); differentiable."""
        return self.astype(numpy.float32)

    def double(self):
        """This tensor as float64 (PyTorch's ``double()``); differentiable."""
        return self.astype(numpy.float64)

    def tolist(self):
        """The data as (nested) Python lists of numbers, copied from the GPU if needed."""
        return backend.to_device(self.data, "cpu").tolist()


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


def _unwrap_index(index):
    """An index with its Tensors replaced by their arrays."""
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in index)
    return index


class _Versions:
    """The clock of in-place changes: each change takes the next number.

    A node remembers the clock when its op ran (``_created``) and a tensor the number of its last
    in-place change (``_version``, 0 if none): an input or output with ``_version > _created``
    changed after the op used it.
    """

    def __init__(self):
        self.latest = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            self.latest += 1
            return self.latest


versions = _Versions()

_OUT_OF_PLACE = {"add": "add", "subtract": "sub", "multiply": "mul", "true_divide": "div"}


def _operand(other):
    """``other`` as an operand of an in-place op (a Tensor, array or number), or None."""
    if isinstance(other, Tensor) or backend.is_array(other):
        return other
    if isinstance(other, numpy.generic):
        return other.item()
    if isinstance(other, numbers.Number) and not isinstance(other, complex):
        return other
    return None


def _scaled(other, alpha):
    return (other.data if isinstance(other, Tensor) else other) * alpha


def _check_same_device(tensor, array, what) -> None:
    device = backend.device_of(array)
    if device != tensor.device:
        raise ValueError(
            f"{what}: the tensor is on {tensor.device} but the value is on "
            f"{device}; move it with .to('{tensor.device}') first"
        )


def _compare(ufunc, a, b):
    if isinstance(b, Tensor):
        b = b.data
    elif not (isinstance(b, numbers.Number) or backend.is_array(b)):
        return NotImplemented
    xp = backend.array_module(a.data)
    return Tensor._from_op(getattr(xp, ufunc.__name__)(a.data, b), (), None, "")


from . import backprop, ops  # noqa: E402  (both need Tensor, defined above)
