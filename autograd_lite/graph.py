"""Walking a computation graph without recursion.

Both engines (the scalar ``Value`` and the array ``Tensor``) store, on every node, the tuple of
nodes it was computed from in ``node._prev``. This module orders such a graph so that the
backward pass can visit every node after all the nodes that use it.
"""

from __future__ import annotations


def topological_order(root) -> list:
    """Every node reachable from ``root`` through ``_prev``, each one after all of its parents.

    Reversed, this is the order of the backward pass: ``root`` first, the inputs last. The walk
    is a depth-first search with an explicit stack, so a chain of a million operations needs no
    Python recursion. Nodes are told apart by identity (``id``), never by ``==``, which the
    engines overload.
    """
    order = []
    visited = set()
    stack = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for parent in node._prev:
            if id(parent) not in visited:
                stack.append((parent, False))
    return order
