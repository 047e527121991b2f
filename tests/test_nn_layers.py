"""Tests of the layers (Linear, Dense, Dropout, Flatten, Sequential) and the activations.

Every gradient is checked against central finite differences with ``autograd_lite.gradcheck``,
in float64, with inputs kept away from the kinks of relu, leaky_relu, step and sign.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
import nn
from autograd_lite import gradcheck


def _with_weights(layer, weight, bias):
    """Run ``layer`` with the given weight and bias Tensors (for gradcheck)."""

    def run(x):
        layer.weight, layer.bias = weight, bias
        return layer(x)

    return run


# ---- Linear and Dense -----------------------------------------------------------------------


def test_linear_matches_pytorch_layout(rng):
    layer = nn.Linear(3, 2)
    assert layer.weight.shape == (2, 3) and layer.bias.shape == (2,)
    assert layer.weight.dtype == np.float32
    bound = 1 / np.sqrt(3)
    assert np.all(np.abs(layer.weight.data) <= bound) and np.all(np.abs(layer.bias.data) <= bound)
    x = rng.normal(size=(5, 3)).astype(np.float32)
    expected = x @ layer.weight.data.T + layer.bias.data
    assert np.allclose(layer(x).data, expected, atol=1e-6)
    assert nn.Linear(3, 2, bias=False).bias is None


@pytest.mark.parametrize("x_shape", [(4, 3), (3,), (2, 4, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_gradcheck(rng, x_shape, bias):
    layer = nn.Linear(3, 2, bias=bias, dtype=np.float64)
    inputs = [rng.normal(size=x_shape), rng.normal(size=(2, 3))]
    if bias:
        inputs.append(rng.normal(size=2))
        assert gradcheck(lambda x, w, b: _with_weights(layer, w, b)(x), inputs)
    else:
        assert gradcheck(lambda x, w: _with_weights(layer, w, None)(x), inputs)


def test_functional_linear_is_one_node(rng):
    x = al.Tensor(rng.normal(size=(4, 3)), requires_grad=True)
    w = al.Tensor(rng.normal(size=(2, 3)), requires_grad=True)
    b = al.Tensor(rng.normal(size=2), requires_grad=True)
    z = nn.linear(x, w, b)
    assert z.op == "linear" and z._prev == (x, w, b)
    assert np.allclose(z.data, x.data @ w.data.T + b.data)


@pytest.mark.parametrize(
    "activation", ["sigmoid", "tanh", "relu", "leaky_relu", "softmax", "linear", None]
)
def test_dense_gradcheck_per_activation(rng, activation):
    layer = nn.Dense(4, activation=activation, input_shape=(3,), dtype=np.float64)
    x = rng.normal(size=(5, 3))
    w, b = rng.normal(size=(4, 3)), rng.normal(size=4)
    assert gradcheck(lambda x, w, b: _with_weights(layer, w, b)(x), [x, w, b])


def test_dense_attributes_for_drawings():
    layer = nn.Dense(units=4, input_shape=(3,), activation="sigmoid", name="hidden")
    assert layer.weight.shape == (4, 3) and layer.bias.shape == (4,)
    assert layer.units == 4 and layer.in_features == 3 and layer.name == "hidden"
    assert layer.activation is nn.sigmoid and layer.activation_name == "sigmoid"
    assert np.all(layer.bias.data == 0)
    limit = np.sqrt(6 / (3 + 4))  # glorot_uniform, Keras's default
    assert np.all(np.abs(layer.weight.data) <= limit)


def test_dense_keeps_pre_and_post_activations_for_backprop_drawings(rng):
    layer = nn.Dense(2, input_shape=(3,), activation="sigmoid")
    x = rng.normal(size=(1, 3)).astype(np.float32)
    layer(x)
    assert layer.pre_activation is None and layer.output is None  # off by default
    layer.keep_activations = True
    z = layer(x)
    assert z is layer.output
    pre, post = layer.pre_activation, layer.output
    assert np.allclose(post.data, 1 / (1 + np.exp(-pre.data)), atol=1e-6)
    pre.retain_grad()
    post.retain_grad()
    post.sum().backward()
    s = post.data
    assert np.allclose(post.grad, 1.0)  # ∂z/∂j
    assert np.allclose(pre.grad, s * (1 - s), atol=1e-6)  # ∂z/∂j̄ = s'(j̄)·∂z/∂j


def test_record_activations_gives_each_layers_pre_and_post_activations(rng):
    al.manual_seed(0)
    model = nn.Sequential(
        nn.Dense(3, input_shape=(2,), activation="tanh"),
        nn.Flatten(),
        nn.Dense(1, activation="sigmoid"),
    )
    x = rng.normal(size=(4, 2)).astype(np.float32)
    before = [set(vars(layer)) for layer in model.layers]
    with model.record_activations() as records:
        z = model(x)
        assert [r.layer for r in records] == [model.layers[0], model.layers[2]]  # Dense only
    assert records[-1].post is z
    np.testing.assert_allclose(records[0].post.data, np.tanh(records[0].pre.data), atol=1e-6)
    for record in records:
        record.pre.retain_grad()
        record.post.retain_grad()
    z.sum().backward()
    s = z.data
    np.testing.assert_allclose(records[1].pre.grad, s * (1 - s), atol=1e-6)  # ∂z/∂j̄ = s'(j̄)
    model(x)
    assert len(records) == 2  # nothing recorded after the block, nothing left on the layers
    assert [set(vars(layer)) for layer in model.layers] == before


def test_record_activations_blocks_nest_and_see_fits_fused_pass(rng):
    layer = nn.Dense(3, input_shape=(2,), activation="softmax")
    x = rng.normal(size=(5, 2)).astype(np.float32)
    with layer.record_activations() as outer:
        with layer.record_activations() as inner:
            logits = layer.forward_logits(x)  # what fit runs for a fused softmax loss
        layer(x)
    assert len(inner) == 1 and len(outer) == 2 and inner[0] is outer[0]
    assert outer[0].pre is logits
    np.testing.assert_allclose(outer[0].post.data, nn.softmax(logits).data)


def test_conv2d_reports_its_activations(rng):
    layer = nn.Conv2D(2, (3, 3), activation="relu", input_shape=(5, 5, 1))
    with layer.record_activations() as records:
        out = layer(rng.normal(size=(1, 5, 5, 1)).astype(np.float32))
    assert records[0].post is out and records[0].pre.shape == out.shape == (1, 3, 3, 2)
    np.testing.assert_array_equal(out.data, np.maximum(records[0].pre.data, 0))


def test_dense_keep_activations_is_deprecated():
    layer = nn.Dense(2, input_shape=(3,))
    with pytest.warns(
        DeprecationWarning,
        match="Dense.keep_activations is deprecated: use "
        r"Module.record_activations\(\)",
    ) as caught:
        layer.keep_activations = True
    assert caught[0].filename == __file__
    for name in ("keep_activations", "pre_activation", "output"):
        with pytest.warns(DeprecationWarning, match=f"Dense.{name} is deprecated"):
            getattr(layer, name)


def test_dense_learns_its_input_width_from_the_first_batch(rng):
    layer = nn.Dense(3, activation="relu")
    assert layer.weight is None and layer.parameters() == [] and not layer.built
    out = layer(rng.normal(size=(2, 5)).astype(np.float32))
    assert out.shape == (2, 3) and layer.weight.shape == (3, 5) and layer.built


def test_sequential_builds_layers_as_they_are_added_once_the_width_is_known():
    model = nn.Sequential()
    model.add(nn.Dense(4, input_shape=(2,), activation="tanh"))
    model.add(nn.Dropout(0.5))
    model.add(nn.Dense(3))
    assert model.built and model.layers[2].weight.shape == (3, 4)
    assert [n for n, _ in model.named_parameters()] == [
        "layers.0.weight",
        "layers.0.bias",
        "layers.2.weight",
        "layers.2.bias",
    ]


def test_wrong_input_width_names_both_widths(rng):
    layer = nn.Dense(2, input_shape=(3,), name="hidden")
    with pytest.raises(ValueError, match=r"'hidden'.*expects inputs with 3 features.*got 5"):
        layer(rng.normal(size=(4, 5)))
    with pytest.raises(ValueError, match="expects inputs with 3 features.*got 4"):
        nn.Linear(3, 1)(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="dense_1.*expects inputs with 3 features.*got 4"):
        nn.Sequential(nn.Dense(4, input_shape=(2,)), nn.Dense(1, input_shape=(3,)))


def test_dense_initializers_by_name_callable_and_seed():
    def build(seed, **kwargs):
        al.manual_seed(seed)
        return nn.Dense(8, input_shape=(5,), **kwargs).weight.data

    assert np.array_equal(build(3), build(3))
    assert not np.array_equal(build(3), build(4))
    assert np.all(build(0, kernel_initializer="zeros") == 0)
    constant = build(0, kernel_initializer=lambda shape: np.full(shape, 0.5))
    assert np.all(constant == 0.5) and constant.dtype == np.float32
    gen = np.random.default_rng(7)
    explicit = nn.Dense(8, input_shape=(5,), generator=gen).weight.data
    assert np.array_equal(explicit, nn.init.glorot_uniform((8, 5), np.random.default_rng(7)))
    bias = nn.Dense(3, input_shape=(2,), bias_initializer="ones").bias.data
    assert np.all(bias == 1)


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match="unknown activation 'swish'.*sigmoid.*relu"):
        nn.Dense(2, activation="swish")
    with pytest.raises(ValueError, match="unknown initializer 'orthogonal'.*glorot_uniform"):
        nn.Dense(2, kernel_initializer="orthogonal")


def test_sequential_forms_and_names():
    a = nn.Sequential([nn.Dense(2, input_shape=(3,)), nn.Dense(1)])
    b = nn.Sequential(nn.Dense(2, input_shape=(3,)), nn.Dense(1))
    assert len(a) == len(b) == 2 and isinstance(a[0], nn.Dense)
    assert [layer.name for layer in a] == ["dense", "dense_1"]
    torch_style = nn.Sequential(
        nn.Linear(2, 3),
        nn.Tanh(),
        nn.Linear(3, 2),
        nn.Tanh(),
        nn.Sequential(nn.Linear(2, 2)),
        nn.Sequential(nn.Linear(2, 2)),
    )
    assert [layer.name for layer in torch_style] == [
        "linear",
        "tanh",
        "linear_1",
        "tanh_1",
        "sequential",
        "sequential_1",
    ]
    with pytest.raises(ValueError, match="already has a layer named 'h'"):
        nn.Sequential(nn.Dense(2, name="h"), nn.Dense(2, name="h"))
    with pytest.raises(TypeError, match="needs a layer"):
        nn.Sequential().add(lambda x: x)


def test_flatten(rng):
    x = rng.normal(size=(2, 3, 4))
    assert nn.Flatten()(x).shape == (2, 12)
    assert gradcheck(lambda x: nn.Flatten()(x), [x])


# ---- Dropout --------------------------------------------------------------------------------


def test_dropout_is_inverted_and_off_in_eval(rng):
    layer = nn.Dropout(0.25, generator=np.random.default_rng(0))
    x = np.ones((200, 50))
    y = layer(x).data
    kept = y != 0
    assert np.allclose(y[kept], 1 / 0.75)
    assert abs(kept.mean() - 0.75) < 0.02
    layer.eval()
    assert layer(x) is x
    assert nn.Dropout(0.0)(x) is x
    with pytest.raises(ValueError, match="0 <= rate < 1"):
        nn.Dropout(1.0)


def test_dropout_gradient_is_the_mask(rng):
    x = rng.normal(size=(4, 6))
    assert gradcheck(lambda x: nn.Dropout(0.5, generator=np.random.default_rng(1))(x), [x])


def test_dropout_follows_manual_seed():
    x = np.ones((3, 8), dtype=np.float32)
    al.manual_seed(11)
    first = nn.Dropout(0.5)(x).data
    al.manual_seed(11)
    assert np.array_equal(first, nn.Dropout(0.5)(x).data)


# ---- activations ----------------------------------------------------------------------------


def _off_kinks(rng, shape):
    x = rng.normal(size=shape)
    return np.where(np.abs(x) < 0.1, 0.5, x)


@pytest.mark.parametrize(
    "fn",
    [
        nn.sigmoid,
        nn.tanh,
        nn.relu,
        nn.leaky_relu,
        lambda x: nn.leaky_relu(x, 0.2),
        nn.softmax,
        lambda x: nn.softmax(x, axis=0),
        nn.activations.identity,
    ],
)
def test_activation_gradcheck(rng, fn):
    assert gradcheck(
        lambda x: fn(al.Tensor(x) if not isinstance(x, al.Tensor) else x), [_off_kinks(rng, (3, 4))]
    )


@pytest.mark.parametrize(
    "layer",
    [
        nn.Sigmoid(),
        nn.Tanh(),
        nn.ReLU(),
        nn.LeakyReLU(0.3),
        nn.Softmax(),
        nn.Identity(),
        nn.Activation("tanh"),
    ],
)
def test_activation_layers_gradcheck(rng, layer):
    assert gradcheck(lambda x: layer(x) * 1.0, [_off_kinks(rng, (3, 4))])


def test_activation_values(rng):
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    assert np.allclose(nn.sigmoid(z).data, 1 / (1 + np.exp(-z)))
    assert np.allclose(nn.tanh(z).data, np.tanh(z))
    assert np.allclose(nn.relu(z).data, np.maximum(z, 0))
    assert np.allclose(nn.leaky_relu(z).data, np.where(z > 0, z, 0.01 * z))
    assert np.allclose(nn.LeakyReLU(0.2)(z).data, np.where(z > 0, z, 0.2 * z))
    rows = rng.normal(size=(3, 4))
    e = np.exp(rows - rows.max(axis=1, keepdims=True))
    assert np.allclose(nn.softmax(rows).data, e / e.sum(axis=1, keepdims=True))
    assert np.array_equal(nn.step(z).data, [0, 0, 0, 1, 1])
    assert np.array_equal(nn.step(z, threshold=1.0).data, [0, 0, 0, 0, 1])
    assert np.array_equal(nn.sign(z).data, [-1, -1, 0, 1, 1])
    assert nn.activations.get(None) is nn.activations.identity


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.Dense(3, activation=nn.linear),
        lambda: nn.Conv2D(2, 3, activation=nn.linear),
        lambda: nn.Activation(nn.linear),
    ],
)
def test_the_affine_op_given_as_an_activation_says_what_it_is(make):
    """nn.linear is x Wᵀ + β (PyTorch's F.linear); Keras's 'linear' activation is the identity.
    Given as an activation, the affine op used to fail at the first call with a TypeError about
    missing arguments."""
    with pytest.raises(
        ValueError,
        match=r"nn.linear is the affine op .* activation=None or "
        r"'linear'",
    ):
        make()


def test_linear_by_name_or_none_is_the_identity():
    for activation in ("linear", None, nn.activations.identity):
        layer = nn.Dense(2, activation=activation, input_shape=(3,))
        assert layer.activation is nn.activations.identity and layer.activation_name == "linear"


@pytest.mark.parametrize("fn", [nn.step, nn.sign, nn.Step(0.5), nn.Sign()])
def test_step_and_sign_pass_a_zero_gradient(rng, fn):
    z = al.Tensor(rng.normal(size=5), requires_grad=True)
    (fn(z) * 3.0).sum().backward()
    assert np.array_equal(z.grad, np.zeros(5))
    assert gradcheck(lambda x: fn(x), [_off_kinks(rng, (5,))])  # zero almost everywhere


def test_activation_names():
    assert nn.Dense(2, activation=nn.relu).activation_name == "relu"
    assert nn.Dense(2, activation=nn.LeakyReLU(0.2)).activation_name == "leaky_relu"
    assert nn.Activation("softmax").name == "softmax"
    assert sorted(nn.activations.ACTIVATIONS) == sorted(
        ["sigmoid", "tanh", "relu", "leaky_relu", "softmax", "linear", "step", "sign"]
    )


# ---- input dtypes -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int64, np.int8, np.uint8, np.bool_])
def test_layers_cast_numeric_inputs_to_their_parameters_dtype(rng, dtype):
    """A float64 or int64 batch into a float32 model used to make the whole step float64."""
    al.manual_seed(0)
    model = nn.Sequential(
        [nn.Dense(5, input_shape=(3,), activation="tanh"), nn.Dense(2), nn.Linear(2, 4)]
    )
    x = (rng.normal(size=(6, 3)) * 3).astype(dtype)
    out = model(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, model(x.astype(np.float32)).data, rtol=1e-6)
    out.sum().backward()
    assert all(p.grad.dtype == np.float32 for p in model.parameters())
    optimizer = nn.Adam(model.parameters())
    optimizer.step()
    assert all(p.data.dtype == np.float32 for p in model.parameters())


def test_a_float32_input_into_a_float64_layer_is_cast_up(rng):
    layer = nn.Dense(2, input_shape=(3,), dtype=np.float64)
    assert layer(rng.normal(size=(4, 3)).astype(np.float32)).dtype == np.float64


def test_an_input_that_needs_a_gradient_is_cast_differentiably(rng):
    layer = nn.Linear(3, 2)
    x = al.Tensor(rng.normal(size=(4, 3)), requires_grad=True)  # float64
    out = layer(x)
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad, np.tile(layer.weight.data.sum(axis=0), (4, 1)), rtol=1e-6)
    wide = nn.Linear(3, 2, dtype=np.float64)
    x32 = al.Tensor(rng.normal(size=(4, 3)).astype(np.float32), requires_grad=True)
    wide(x32).sum().backward()
    assert x32.grad.dtype == np.float32
    np.testing.assert_allclose(x32.grad, np.tile(wide.weight.data.sum(axis=0), (4, 1)), rtol=1e-6)
