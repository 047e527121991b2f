"""Neural networks on top of autograd_lite: modules, layers, activations, losses, optimizers,
initializers, and Keras-style training (``compile``/``fit``/``evaluate``/``predict``).

PyTorch style:

    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 3))
    optimizer = nn.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss = nn.cross_entropy(model(x), y); optimizer.zero_grad(); loss.backward(); optimizer.step()

Keras style (the lecture's):

    model = nn.Sequential()
    model.add(nn.Dense(units=nh, input_shape=(nin,), activation='sigmoid', name='hidden'))
    model.add(nn.Dense(units=nout, activation='softmax', name='output'))
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    hist = model.fit(Xtr, ytr, epochs=30, batch_size=100, validation_data=(Xts, yts))

Weights are stored as (out, in), the lecture's W_H ∈ R^{N_H×N_I}; a layer computes x Wᵀ + β on
a batch of rows. Convolutions (``Conv2d``/``Conv2D``), pooling and batch normalization come in
PyTorch's layout (N, C, H, W) and in Keras's channels-last one (N, H, W, C). ``nn.scalar`` has
micrograd's Neuron/Layer/MLP over ``autograd_lite.Value``.
"""

from autograd_lite import linear  # noqa: F401  (the affine op z = x Wᵀ + β)

from . import activations, init, losses, metrics, optim, scalar
from .activations import (
    Activation,
    ActivationLayer,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Sign,
    Softmax,
    Step,
    Tanh,
    leaky_relu,
    relu,
    sigmoid,
    sign,
    softmax,
    step,
    tanh,
)
from .conv import (
    AveragePooling2D,
    AvgPool2d,
    Conv2D,
    Conv2d,
    MaxPool2d,
    MaxPooling2D,
)
from .layers import Dense, Dropout, Flatten, Linear, Sequential
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CrossEntropyLoss,
    Hinge,
    HingeLoss,
    Loss,
    MeanSquaredError,
    MSELoss,
    SparseCategoricalCrossentropy,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    categorical_cross_entropy,
    cross_entropy,
    hinge_loss,
    mse_loss,
    svm_objective,
)
from .module import LayerActivations, Module, Parameter
from .normalization import BatchNorm1d, BatchNorm2d, BatchNormalization
from .optim import SGD, Adam, Optimizer
from .serialization import load_weights, save_weights
from .training import History

__all__ = [
    "Activation",
    "ActivationLayer",
    "Adam",
    "AvgPool2d",
    "AveragePooling2D",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNormalization",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Conv2D",
    "Conv2d",
    "CrossEntropyLoss",
    "Dense",
    "Dropout",
    "MaxPool2d",
    "MaxPooling2D",
    "Flatten",
    "Hinge",
    "HingeLoss",
    "History",
    "Identity",
    "LayerActivations",
    "LeakyReLU",
    "Linear",
    "Loss",
    "MSELoss",
    "MeanSquaredError",
    "Module",
    "Optimizer",
    "Parameter",
    "ReLU",
    "SGD",
    "Sequential",
    "Sigmoid",
    "Sign",
    "Softmax",
    "SparseCategoricalCrossentropy",
    "Step",
    "Tanh",
    "activations",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "categorical_cross_entropy",
    "cross_entropy",
    "hinge_loss",
    "init",
    "leaky_relu",
    "linear",
    "load_weights",
    "losses",
    "metrics",
    "mse_loss",
    "optim",
    "relu",
    "save_weights",
    "scalar",
    "sigmoid",
    "sign",
    "softmax",
    "step",
    "svm_objective",
    "tanh",
]
