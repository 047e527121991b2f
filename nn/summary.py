"""``summary()``: a table of a model's layers, output shapes and parameter counts (Keras's).

For a ``Sequential`` whose first layer knows its input shape (a Keras ``input_shape``, or the
width of a ``Linear``), the output shapes come from one forward pass of a single zero sample,
layer by layer, without recording a graph and in evaluation mode, as ``Sequential.add`` builds
its layers (``layers.output_sample``); the batch size is shown as None, as in Keras.
"""

from __future__ import annotations

from .layers import example_input, output_sample
from .module import Module

_COLUMNS = (29, 26, 10)  # the least widths of the three columns, as Keras's


def _count(module: Module) -> tuple[int, int]:
    """(all parameters, trainable parameters) of a module's tree."""
    params = module.parameters()
    total = sum(int(p.size) for p in params)
    return total, sum(int(p.size) for p in params if p.requires_grad)


def _label(name: str, module: Module) -> str:
    return f"{name} ({type(module).__name__})"


def _output_shapes(model: Module) -> list[str] | None:
    """Each layer's output shape as '(None, ...)', or None when the input shape is unknown."""
    layers = getattr(model, "layers", None)
    sample = example_input(layers[0]) if layers else None
    if sample is None:
        return None
    shapes = []
    for layer in layers:
        sample = output_sample(layer, sample)
        shapes.append("(None, " + ", ".join(str(n) for n in sample.shape[1:]) + ")")
    return shapes


def summary_text(model: Module) -> str:
    """The summary table as a string (see the module's docstring)."""
    if not model.built:
        raise ValueError(
            "this model has not been built yet, so its parameters do not exist: give the first "
            "layer an input_shape, or call the model on a batch (fit does) before summary()"
        )
    layers = getattr(model, "layers", None)
    if layers is not None:
        rows = [
            (getattr(layer, "name", None) or f"layer_{i}", layer) for i, layer in enumerate(layers)
        ]
    else:
        rows = list(model.named_children()) or [(getattr(model, "name", "module"), model)]
    shapes = _output_shapes(model) or ["?"] * len(rows)
    cells = [
        (" " + _label(layer_name, layer), shape, str(_count(layer)[0]))
        for (layer_name, layer), shape in zip(rows, shapes, strict=True)
    ]
    columns = tuple(
        max([least] + [len(row[i]) + 1 for row in cells])  # long names widen
        for i, least in enumerate(_COLUMNS)
    )
    width = sum(columns)
    name = getattr(model, "name", type(model).__name__.lower())
    lines = [
        f'Model: "{name}"',
        "_" * width,
        _row(columns, " Layer (type)", "Output Shape", "Param #"),
        "=" * width,
    ]
    lines += [_row(columns, *row) for row in cells]
    total, trainable = _count(model)
    lines += [
        "=" * width,
        f"Total params: {total:,}",
        f"Trainable params: {trainable:,}",
        f"Non-trainable params: {total - trainable:,}",
        "_" * width,
    ]
    return "\n".join(lines)


def _row(columns: tuple[int, ...], *cells: str) -> str:
    return "".join(cell.ljust(width) for cell, width in zip(cells, columns, strict=True)).rstrip()
