"""Walking a computation graph without recursion.

Both engines (the scalar ``Value`` and the array ``Tensor``) store, on every node, the tuple of
nodes it was computed from in ``node._prev``. This module orders such a graph so that the
backward pass can visit every node after all the nodes that use it.
"""

from __future__ import annotations


def topological_order(*roots) -> list:
    """Every node reachable from ``roots`` through ``_prev``, each one after all of its parents.

    Reversed, this is the order of the backward pass: the roots first, the inputs last. The
    order is that of a depth-first search that visits each node's parents in order and lists a
    node once all its parents are listed. The search keeps an explicit stack, so a chain of a
    million operations needs no Python recursion.

    Nodes are told apart by identity, never by ``==`` (which the engines overload): sets of
    nodes are safe because a node hashes by its ``id`` and Python checks identity before ``==``.
    """
    order = []
    visited = set()
    for root in roots:
        _walk(root, visited, order)
    return order


def _walk(root, visited: set, order: list) -> None:
    # The stack holds nodes still to expand and, below the parents of each expanded node, a
    # None that says "list the node on top of ``expanded``": no tuple or iterator per node.
    stack = [root]
    expanded = []
    while stack:
        node = stack.pop()
        if node is None:
            order.append(expanded.pop())
            continue
        if node in visited:
            continue
        visited.add(node)
        parents = node._prev
        if not parents:
            order.append(node)
            continue
        stack.append(None)
        expanded.append(node)
        stack.extend(reversed(parents))  # reversed: the first parent is expanded first
