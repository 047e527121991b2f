"""Walking a computation graph without recursion.

Both engines (the scalar ``Value`` and the array ``Tensor``) store, on every node, the tuple of
nodes it was computed from in ``node._prev``. This module orders such a graph so that the
backward pass can visit every node after all the nodes that use it.
"""

from __future__ import annotations


def topological_order(*roots) -> list:
    """Every node reachable from ``roots`` through ``_prev``, each one after all of its parents.

    Reversed, this is the order of the backward pass: the roots first, the inputs last. The walk
    is a depth-first search with an explicit stack, so a chain of a million operations needs no
    Python recursion. Nodes are told apart by identity (``id``), never by ``==``, which the
    engines overload.
    """
    order = []
    visited = set()
    for root in roots:
        if id(root) in visited:
            continue
        visited.add(id(root))
        stack = [(root, iter(root._prev))]  # each node with the parents it has yet to visit
        while stack:
            node, parents = stack[-1]
            for parent in parents:
                if id(parent) not in visited:
                    visited.add(id(parent))
                    stack.append((parent, iter(parent._prev)))
                    break
            else:  # every parent is in ``order`` already: the node can follow them
                stack.pop()
                order.append(node)
    return order
