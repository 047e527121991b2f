"""``python -m autograd_lite``: the lecture's BACKPROP EXAMPLE, computed by the scalar engine.

The 2-3-3-1 network of sigmoid units of ``autograd_lite.lecture`` (the one ``python -m viz
lecture`` draws): inputs a, b; hidden layers c, d, e and f, g, h; output z. For every node j it
prints j̄ = Σ_i i·W_{i,j} + β_j (before the non-linearity), j = s(j̄) (after it), and the two
derivatives that backpropagation finds, ∂z/∂j̄ and ∂z/∂j.
"""

from __future__ import annotations

from .lecture import NEURONS, lecture_parameters, scalar_network


def main() -> None:
    parameters = lecture_parameters()
    net = scalar_network(parameters)
    z = net.output
    z.backward()
    a, b = parameters.x
    print(f"The lecture's 2-3-3-1 sigmoid network on (a, b) = ({a:g}, {b:g}): z = {z.data:.4f}\n")
    print(f"{'node':>4} {'j̄':>9} {'j':>9} {'∂z/∂j̄':>10} {'∂z/∂j':>10}")
    for layer in NEURONS:
        for j in layer:
            node = net.node[j]
            if j in net.pre_activation:
                bar = net.pre_activation[j]
                print(f"{j:>4} {bar.data:9.4f} {node.data:9.4f} {bar.grad:10.4f} {node.grad:10.4f}")
            else:
                print(f"{j:>4} {'':>9} {node.data:9.4f} {'':>10} {node.grad:10.4f}")
    print("\nA few weight gradients, ∂z/∂W_{i,j} = ∂z/∂j̄ · i:")
    for i, j in [("f", "z"), ("c", "f"), ("a", "c")]:
        check = net.pre_activation[j].grad * net.node[i].data
        print(f"  ∂z/∂W_{i},{j} = {net.weight[i, j].grad:.6f}   (∂z/∂{j}̄ · {i} = {check:.6f})")


if __name__ == "__main__":
    main()
