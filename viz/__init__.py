"""Drawings of computation graphs and of backpropagation, in the lecture's notation.

For a neuron j, j̄ is its value before the non-linearity and j = s(j̄) its value after; z is the
number being differentiated (the network's output, or a loss). Three calls:

    viz.draw_graph(root)                            # any Value or Tensor expression
    viz.draw_graph(loss, backward=True, model=m)    # ... with every gradient, names from m
    viz.draw_network(model, x, y=None, loss=None)   # a Sequential of Dense layers, one example
    viz.backprop_steps(model, x)                    # the steps in lecture order, one frame each

Each drawing is a ``Drawing``: ``.source`` (DOT text), ``.save('net.svg')`` (SVG, PNG, PDF or
DOT by suffix), shown inline in Jupyter. ``backprop_steps(...).save_html('page.html')`` writes one
offline page that steps through the frames. Rendering needs Graphviz's ``dot`` program; building
the DOT text does not. ``python -m viz --help`` lists the command line.

Modules: ``labels`` (notation, escaping, numbers), ``drawing`` (``Drawing``), ``render`` (running
``dot``), ``graph`` (``draw_graph``), ``trace`` (the engine's numbers for a network), ``names``
(a, b, ..., z), ``network`` (``draw_network``), ``steps`` (``backprop_steps``), ``linalg`` (the
vectors and matrices), ``html`` (``save_html``), ``lecture`` (the 2-3-3-1 example), ``cli``.
"""

try:
    import graphviz as _graphviz  # noqa: F401  (the Python package that writes DOT text)
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "viz needs the Python package graphviz: pip install 'autograd-lite[viz]' (or pip "
        "install graphviz). Rendering also needs Graphviz's dot program (apt-get install "
        "graphviz, brew install graphviz or conda install -c conda-forge graphviz)."
    ) from error

from .drawing import Drawing  # noqa: E402
from .graph import LargeGraphWarning, draw_graph
from .html import save_html
from .linalg import layer_vectors
from .network import draw_network
from .options import Options, options
from .render import GraphvizNotFoundError, RenderError
from .steps import BackpropSteps, Step, backprop_steps
from .trace import trace_network

__all__ = [
    "BackpropSteps",
    "Drawing",
    "GraphvizNotFoundError",
    "LargeGraphWarning",
    "Options",
    "RenderError",
    "Step",
    "backprop_steps",
    "draw_graph",
    "draw_network",
    "layer_vectors",
    "options",
    "save_html",
    "trace_network",
]
