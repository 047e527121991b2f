"""A stand-in for CuPy: NumPy arrays that pretend to live on a GPU, so that the GPU tests run on
machines without one. Test code only, never shipped, and not CuPy: it checks that the engine
takes the GPU's code paths and keeps its arrays apart from NumPy's, not that CUDA computes right.

``install(monkeypatch)`` puts it in ``sys.modules`` as ``cupy`` and ``cupyx``, so
``import cupy`` anywhere (in the engine, in ``nn``, in a test) gets it. What it imitates, from
CuPy's own behaviour:

* ``ndarray`` is its own type, not a ``numpy.ndarray``: it holds a NumPy array (``_host``) and
  the id of the device it lives on. Like CuPy's arrays it refuses implicit conversion to NumPy
  (``__array__`` raises TypeError), so ``numpy.asarray(x)``, ``numpy_array + x`` and
  ``numpy.exp(x)`` with a NumPy operand fail as they do on a GPU; ``.get()`` and ``asnumpy``
  copy explicitly. Operands may be these arrays, Python numbers and NumPy scalars; a NumPy array
  among them is CuPy's TypeError "Unsupported type".
* Reductions and integer indexing give 0-d arrays, not NumPy scalars; ``float()``, ``int()``,
  ``bool()`` and ``item()`` read them back. An operand that defers (``__array_ufunc__ = None``,
  as ``Tensor`` does) gets its reflected operator called.
* Integer-array indices out of range wrap around (CuPy does not check them); host data is
  copied when it goes to the device, so later changes on the host do not reach it.
* Devices: ``DEVICE_COUNT`` GPUs. ``cuda.Device(n)`` as a context manager (or ``.use()``)
  makes device n current; new arrays are made on the current device; an op on an array that
  lives on another device raises ValueError, as CuPy does without peer access. ``copy()`` and
  ``array()`` copy across devices; ``asarray`` of an array returns it unchanged, wherever it is.
* ``cupyx.scatter_add(a, index, values)``: ``a[index] += values`` adding once per occurrence.

The functions it offers are the NumPy functions named in ``_FUNCTIONS`` (all of which CuPy has
with NumPy's signature); any other name is an AttributeError that says so.
"""

from __future__ import annotations

import sys
import types

import numpy

__version__ = "stand-in"
DEVICE_COUNT = 2

_current = [0]  # the current device, innermost ``with Device(n)`` last


def _current_device() -> int:
    return _current[-1]


class CUDARuntimeError(RuntimeError):
    """What CuPy raises for CUDA errors such as a device number that does not exist."""


def _check_device_id(device_id: int) -> None:
    if not 0 <= device_id < DEVICE_COUNT:
        raise CUDARuntimeError("cudaErrorInvalidDevice: invalid device ordinal")


class Device:
    """A GPU: ``Device()`` is the current one; ``with Device(1):`` makes device 1 current."""

    def __init__(self, device=None):
        self.id = _current_device() if device is None else int(device)

    def __enter__(self):
        _check_device_id(self.id)
        _current.append(self.id)
        return self

    def __exit__(self, *exc_info):
        _current.pop()

    def use(self):
        _check_device_id(self.id)
        _current[-1] = self.id

    def synchronize(self):
        """Wait for the device's work: a stand-in computes on the host, so there is none."""

    def __eq__(self, other):
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self):
        return hash(self.id)

    def __repr__(self):
        return f"<CUDA Device {self.id}>"


def _get_device_count() -> int:
    return DEVICE_COUNT


def _get_device_properties(device_id: int) -> dict:
    _check_device_id(device_id)
    return {"name": b"CuPy stand-in (NumPy on the CPU)", "totalGlobalMem": 0}


runtime = types.SimpleNamespace(
    getDeviceCount=_get_device_count,
    getDevice=_current_device,
    getDeviceProperties=_get_device_properties,
    runtimeGetVersion=lambda: 0,
    driverGetVersion=lambda: 0,
    CUDARuntimeError=CUDARuntimeError,
)
cuda = types.SimpleNamespace(Device=Device, runtime=runtime)


# ---- arrays -----------------------------------------------------------------------------------


class ndarray:  # noqa: N801 (CuPy's name)
    """An array "on a GPU": a NumPy array and the device it lives on."""

    __slots__ = ("_host", "device")

    def __init__(self, host, device_id: int):
        self._host = host
        self.device = Device(device_id)

    # What the array is: shape and dtype, read without a kernel.
    shape = property(lambda self: self._host.shape)
    dtype = property(lambda self: self._host.dtype)
    ndim = property(lambda self: self._host.ndim)
    size = property(lambda self: self._host.size)
    itemsize = property(lambda self: self._host.itemsize)
    nbytes = property(lambda self: self._host.nbytes)
    strides = property(lambda self: self._host.strides)
    T = property(lambda self: ndarray(self._host.T, self.device.id))

    @property
    def base(self):
        """The array this one is a view of, or None when it owns its memory."""
        return None if self._host.base is None else ndarray(self._host.base, self.device.id)

    # Explicit copies to the host.
    def get(self):
        return self._host.copy()

    def item(self):
        return self._host.item()

    def tolist(self):
        return self._host.tolist()

    def __float__(self):
        return float(self._host)

    def __int__(self):
        return int(self._host)

    def __complex__(self):
        return complex(self._host)

    def __bool__(self):
        return bool(self._host)

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            "Implicit conversion to a NumPy array is not allowed. "
            "Please use `.get()` to construct a NumPy array explicitly."
        )

    def __repr__(self):
        return repr(self._host)

    def __str__(self):
        return str(self._host)

    def __format__(self, spec):
        return format(self._host, spec)

    __hash__ = None

    def __len__(self):
        if self._host.ndim == 0:
            raise TypeError("len() of unsized object")
        return len(self._host)

    def __iter__(self):
        if self._host.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(len(self._host)))

    # Views: no kernel runs, the result stays on this array's device.
    def reshape(self, *shape, order="C"):
        return ndarray(self._host.reshape(*shape, order=order), self.device.id)

    def transpose(self, *axes):
        return ndarray(self._host.transpose(*axes), self.device.id)

    def swapaxes(self, axis1, axis2):
        return ndarray(self._host.swapaxes(axis1, axis2), self.device.id)

    def squeeze(self, axis=None):
        return ndarray(self._host.squeeze(axis), self.device.id)

    def ravel(self, order="C"):
        return ndarray(self._host.ravel(order), self.device.id)

    def view(self, dtype):
        return ndarray(self._host.view(dtype), self.device.id)

    def copy(self, order="C"):
        """A copy on the current device, wherever this array lives (as CuPy's ``copy``)."""
        return ndarray(self._host.copy(order), _current_device())

    # Indexing
    def __getitem__(self, index):
        host_index, advanced = _host_index(index, self._host.shape)
        if advanced:  # a gather kernel: on the current device
            _check_on_current_device(self)
            return ndarray(numpy.asarray(self._host[host_index]), _current_device())
        return ndarray(numpy.asarray(self._host[host_index]), self.device.id)

    def __setitem__(self, index, value):
        _check_on_current_device(self)
        host_index, advanced = _host_index(index, self._host.shape)
        if isinstance(value, numpy.ndarray) and not advanced and value.ndim:
            raise ValueError("non-scalar numpy.ndarray cannot be used for fill")
        self._host[host_index] = _operand(value, host_ok=advanced)

    def fill(self, value):
        _check_on_current_device(self)
        self._host.fill(_operand(value))

    def astype(self, dtype, order="K", casting=None, subok=None, copy=True):
        _check_on_current_device(self)
        if not copy and self._host.dtype == numpy.dtype(dtype):
            return self
        return ndarray(self._host.astype(dtype, order=order), _current_device())

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """NumPy ufuncs given this array run here; a NumPy array among the inputs is refused."""
        ours = _FUNCTIONS.get(ufunc.__name__) if method == "__call__" else None
        if ours is None:
            return NotImplemented
        return ours(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        """NumPy functions given this array run here, when the stand-in has them."""
        ours = _FUNCTIONS.get(func.__name__)
        if ours is None or not all(issubclass(t, (ndarray, numpy.ndarray)) for t in types):
            return NotImplemented
        return ours(*args, **kwargs)


def _check_on_current_device(array: ndarray) -> None:
    if array.device.id != _current_device():
        raise ValueError(
            f"The device where the array resides ({array.device.id}) is different "
            f"from the current device ({_current_device()}). Peer access is "
            "unavailable between these devices."
        )


def _operand(x, host_ok: bool = False):
    """What NumPy computes with for the operand ``x`` of a device op."""
    if isinstance(x, ndarray):
        _check_on_current_device(x)
        return x._host
    if isinstance(x, numpy.ndarray) and not host_ok:
        raise TypeError(f"Unsupported type {type(x)}")
    return x


def _host_arguments(value):
    """``value`` (an argument, or a list, tuple or dict of them) with every array unwrapped."""
    if isinstance(value, (ndarray, numpy.ndarray)):
        return _operand(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_host_arguments(v) for v in value)
    if isinstance(value, dict):
        return {k: _host_arguments(v) for k, v in value.items()}
    return value


def _on_device(result):
    """NumPy's result as device arrays on the current device (NumPy scalars become 0-d)."""
    if isinstance(result, (numpy.ndarray, numpy.generic)):
        return ndarray(numpy.asarray(result), _current_device())
    if isinstance(result, (list, tuple)):
        return type(result)(_on_device(r) for r in result)
    return result


def _host_index(index, shape):
    """The NumPy index for a device array's ``index``, and whether it is an advanced one.

    Device arrays in the index are unwrapped, lists and NumPy arrays taken as CuPy takes them
    (copied to the device), and integer arrays wrapped around the axis they index, as CuPy does
    instead of raising IndexError.
    """
    parts = list(index) if isinstance(index, tuple) else [index]
    for i, part in enumerate(parts):
        if isinstance(part, ndarray):
            _check_on_current_device(part)
            parts[i] = part._host
        elif isinstance(part, list):
            parts[i] = numpy.asarray(part)
    arrays = [p for p in parts if isinstance(p, numpy.ndarray)]
    consumed = sum(
        p.ndim
        if isinstance(p, numpy.ndarray) and p.dtype == bool
        else 0
        if p is None or p is Ellipsis
        else 1
        for p in parts
    )
    axis = 0
    for i, part in enumerate(parts):
        if part is None:
            continue
        if part is Ellipsis:
            axis += len(shape) - consumed
        elif isinstance(part, numpy.ndarray) and part.dtype == bool:
            axis += part.ndim
        else:
            if (
                isinstance(part, numpy.ndarray)
                and part.dtype.kind in "iu"
                and axis < len(shape)
                and shape[axis] > 0
            ):
                parts[i] = part % shape[axis]
            axis += 1
    host = tuple(parts) if isinstance(index, tuple) else parts[0]
    return host, bool(arrays)


# ---- functions --------------------------------------------------------------------------------


def _device_function(numpy_function):
    """``numpy_function`` on device arrays: operands unwrapped, results on the current device."""

    def function(*args, **kwargs):
        return _on_device(numpy_function(*_host_arguments(args), **_host_arguments(kwargs)))

    function.__name__ = numpy_function.__name__
    function.__doc__ = f"numpy.{numpy_function.__name__} on the stand-in's device arrays."
    return function


_FUNCTION_NAMES = """
    abs absolute add subtract multiply divide true_divide floor_divide negative positive power
    square sqrt cbrt exp exp2 expm1 log log1p log2 log10 sin cos tan arcsin arccos arctan arctan2
    sinh cosh tanh sign maximum minimum fmax fmin clip where isfinite isnan isinf floor ceil
    round around rint trunc reciprocal logaddexp copysign signbit fabs mod remainder fmod
    logical_and logical_or logical_not logical_xor bitwise_and bitwise_or bitwise_xor invert
    greater greater_equal less less_equal equal not_equal
    sum mean prod max min amax amin argmax argmin any all var std cumsum cumprod count_nonzero
    matmul dot einsum outer inner tensordot
    reshape transpose swapaxes moveaxis expand_dims squeeze broadcast_to broadcast_arrays
    concatenate stack vstack hstack split tile repeat flip ravel take take_along_axis
    atleast_1d atleast_2d pad diag tril triu copyto
    zeros ones empty full zeros_like ones_like empty_like full_like arange linspace eye identity
    nonzero argsort sort unique allclose isclose array_equal bincount searchsorted nan_to_num
    shape ndim size
""".split()
_FUNCTIONS = {name: _device_function(getattr(numpy, name)) for name in _FUNCTION_NAMES}
# (served by the module's __getattr__ below, so that ``sum``, ``max``... stay Python's here)

# Names CuPy shares with NumPy: dtypes and constants.
for _name in """float16 float32 float64 int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool_
                intp complex64 complex128 dtype finfo iinfo issubdtype result_type can_cast
                newaxis inf nan pi e integer floating number""".split():
    globals()[_name] = getattr(numpy, _name)


def array(obj, dtype=None, copy=True, order="K", ndmin=0):
    """A new device array on the current device, from host data or from a device array anywhere."""
    if isinstance(obj, ndarray):
        host = obj._host
    else:
        host = numpy.array(obj, dtype=dtype, copy=True, order=order, ndmin=ndmin)
    return ndarray(
        numpy.array(host, dtype=dtype, copy=True, order=order, ndmin=ndmin), _current_device()
    )


def asarray(a, dtype=None, order=None):
    """``a`` itself when it is a device array of that dtype (wherever it lives), else a copy."""
    if isinstance(a, ndarray) and (dtype is None or a.dtype == numpy.dtype(dtype)):
        return a
    return array(a, dtype=dtype)


ascontiguousarray = asarray


def _as_strided(x, shape=None, strides=None):
    """A view of ``x`` with other shape and strides, on its device (no kernel runs)."""
    return ndarray(numpy.lib.stride_tricks.as_strided(x._host, shape, strides), x.device.id)


lib = types.SimpleNamespace(stride_tricks=types.SimpleNamespace(as_strided=_as_strided))


def asnumpy(a, stream=None, order="C", out=None, blocking=True):
    """A NumPy copy of a device array (anything else goes through ``numpy.asarray``)."""
    return a.get() if isinstance(a, ndarray) else numpy.asarray(a, order=order)


def get_array_module(*args):
    return sys.modules[__name__] if any(isinstance(a, ndarray) for a in args) else numpy


def scatter_add(a, slices, value):
    """``a[slices] += value``, adding once per occurrence of a repeated index (numpy.add.at)."""
    _check_on_current_device(a)
    index, _ = _host_index(slices, a.shape)
    numpy.add.at(a._host, index, _operand(value, host_ok=True))


# ---- operators --------------------------------------------------------------------------------


def _binary(ufunc_name):
    function = _FUNCTIONS[ufunc_name]

    def forward(self, other):
        if getattr(other, "__array_ufunc__", False) is None:  # e.g. a Tensor: its turn
            return NotImplemented
        return function(self, other)

    def reflected(self, other):
        return function(other, self)

    def in_place(self, other):
        _check_on_current_device(self)
        getattr(numpy, ufunc_name)(self._host, _operand(other), out=self._host)
        return self

    return forward, reflected, in_place


for _op, _ufunc in [
    ("add", "add"),
    ("sub", "subtract"),
    ("mul", "multiply"),
    ("truediv", "true_divide"),
    ("floordiv", "floor_divide"),
    ("mod", "remainder"),
    ("pow", "power"),
    ("matmul", "matmul"),
    ("and", "bitwise_and"),
    ("or", "bitwise_or"),
    ("xor", "bitwise_xor"),
]:
    _forward, _reflected, _in_place = _binary(_ufunc)
    setattr(ndarray, f"__{_op}__", _forward)
    setattr(ndarray, f"__r{_op}__", _reflected)
    setattr(ndarray, f"__i{_op}__", _in_place)

for _op, _ufunc in [
    ("lt", "less"),
    ("le", "less_equal"),
    ("eq", "equal"),
    ("ne", "not_equal"),
    ("gt", "greater"),
    ("ge", "greater_equal"),
]:
    setattr(ndarray, f"__{_op}__", _binary(_ufunc)[0])

for _op, _ufunc in [
    ("neg", "negative"),
    ("pos", "positive"),
    ("abs", "absolute"),
    ("invert", "invert"),
]:
    setattr(ndarray, f"__{_op}__", _FUNCTIONS[_ufunc])


def _method(name):
    """``array.name(...)``: NumPy's method of the same name, computed on the current device."""

    def method(self, *args, **kwargs):
        _check_on_current_device(self)
        result = getattr(self._host, name)(*_host_arguments(args), **_host_arguments(kwargs))
        return _on_device(result)

    method.__name__ = name
    return method


for _name in """sum mean prod max min argmax argmin any all var std cumsum cumprod clip round
                dot take repeat nonzero flatten conj argsort""".split():
    setattr(ndarray, _name, _method(_name))


def __getattr__(name):
    if name in _FUNCTIONS:
        return _FUNCTIONS[name]
    raise AttributeError(
        f"the CuPy stand-in (tests/cupy_standin.py) has no {name!r}: if CuPy "
        "has it with NumPy's behaviour, add it to the stand-in"
    )


# ---- installing it as ``cupy`` -----------------------------------------------------------------

cupyx = types.ModuleType("cupyx", "The part of cupyx the engine uses: scatter_add.")
cupyx.scatter_add = scatter_add


def install(monkeypatch) -> None:
    """Make ``import cupy`` and ``import cupyx`` give the stand-in until the test ends, with
    the engine's memory of any CuPy it met before cleared; device 0 is current."""
    import autograd_lite.backend as backend

    monkeypatch.setitem(sys.modules, "cupy", sys.modules[__name__])
    monkeypatch.setitem(sys.modules, "cupyx", cupyx)
    monkeypatch.setattr(backend, "_cupy", None)
    monkeypatch.setattr(backend, "_device_count", 0)
    monkeypatch.setattr(sys.modules[__name__], "_current", [0])
