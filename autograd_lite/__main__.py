"""``python -m autograd_lite``: the lecture's BACKPROP EXAMPLE, computed by the scalar engine.

A 2-3-3-1 network of sigmoid units: inputs a, b; hidden layers c, d, e and f, g, h; output z.
For every node j it prints j̄ = Σ_i i·W_{i,j} + β_j (before the non-linearity), j = s(j̄)
(after it), and the two derivatives that backpropagation finds, ∂z/∂j̄ and ∂z/∂j.
"""

from __future__ import annotations

import random

from .value import Value

LAYERS = [["a", "b"], ["c", "d", "e"], ["f", "g", "h"], ["z"]]


def build_network(seed: int = 0, inputs=(0.5, -1.0)):
    """Forward pass, left to right: every node's j̄ and j as labelled Values."""
    rng = random.Random(seed)
    node = {name: Value(x, label=name) for name, x in zip(LAYERS[0], inputs)}
    pre_activation = {}
    weights = {}
    for previous, layer in zip(LAYERS, LAYERS[1:]):
        for j in layer:
            bias = Value(rng.uniform(-1, 1), label=f"β_{j}")
            total = bias
            for i in previous:
                weights[i, j] = Value(rng.uniform(-1, 1), label=f"W_{i},{j}")
                total = total + node[i] * weights[i, j]
            total.label = f"{j}̄"
            pre_activation[j] = total
            node[j] = total.sigmoid()
            node[j].label = j
    return node, pre_activation, weights


def main() -> None:
    node, pre_activation, weights = build_network()
    z = node["z"]
    z.backward()
    print("The lecture's 2-3-3-1 sigmoid network, one example (a, b) = (0.5, -1.0)\n")
    print(f"{'node':>4} {'j̄':>9} {'j':>9} {'∂z/∂j̄':>10} {'∂z/∂j':>10}")
    for layer in LAYERS:
        for j in layer:
            if j in pre_activation:
                bar = pre_activation[j]
                print(f"{j:>4} {bar.data:9.4f} {node[j].data:9.4f} {bar.grad:10.4f} "
                      f"{node[j].grad:10.4f}")
            else:
                print(f"{j:>4} {'':>9} {node[j].data:9.4f} {'':>10} {node[j].grad:10.4f}")
    print("\nA few weight gradients, ∂z/∂W_{i,j} = ∂z/∂j̄ · i:")
    for i, j in [("f", "z"), ("c", "f"), ("a", "c")]:
        w = weights[i, j]
        check = pre_activation[j].grad * node[i].data
        print(f"  ∂z/∂W_{i},{j} = {w.grad:.6f}   (∂z/∂{j}̄ · {i} = {check:.6f})")


if __name__ == "__main__":
    main()
