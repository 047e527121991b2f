"""A long run: 20,000 training steps of ``fit`` must not make the process grow.

Memory that grows a little with every step (a graph kept alive, a list of outputs, a cache
that never forgets) is invisible in a short test and fatal in a long one. The run happens in a
fresh process; its resident memory (VmRSS) is read every 1,000 steps, and after the first
thousand (imports, first allocations, NumPy's buffers) it must stay flat within ``SLACK_MIB``.
"""

from __future__ import annotations

import json

import pytest
from memory import peak_rss_mib

STEPS, EVERY, SLACK_MIB = 20_000, 1_000, 4.0

CODE = f"""
import json
import numpy as np
import autograd_lite as al
import nn

def rss_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

al.manual_seed(0)
rng = np.random.default_rng(0)
X = rng.normal(size=(640, 20)).astype(np.float32)
y = (X[:, :10].argmax(axis=1)).astype(np.int64)
model = nn.Sequential([nn.Dense(64, input_shape=(20,), activation="relu"), nn.Dropout(0.1),
                       nn.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
samples, losses = [], []
for _ in range({STEPS // EVERY}):  # 640 samples in batches of 32: 20 steps per epoch
    history = model.fit(X, y, batch_size=32, epochs={EVERY // 20}, verbose=0,
                        validation_data=(X[:64], y[:64]))
    samples.append(round(rss_mib(), 2))
    losses.append(history.history["loss"][-1])
print(json.dumps({{"rss_mib": samples, "losses": losses}}))
"""


@pytest.mark.slow
def test_20000_training_steps_keep_the_memory_flat():
    peak, output = peak_rss_mib(CODE, timeout=900)
    result = json.loads(output)
    samples = result["rss_mib"]
    print(
        f"\nRSS every {EVERY} steps (MiB): {samples}; peak {peak:.1f} MiB; "
        f"loss {result['losses'][0]:.4f} -> {result['losses'][-1]:.4f}"
    )
    assert len(samples) == STEPS // EVERY
    settled = samples[1:]
    assert max(settled) - min(settled) <= SLACK_MIB, samples
    assert result["losses"][-1] < result["losses"][0]  # it did train
