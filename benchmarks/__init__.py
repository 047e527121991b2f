"""Benchmarks of autograd_lite against hand-written NumPy/Python and against its peers.

Run ``python -m benchmarks --help``. Modules, one job each:

    run.py        the command line and the order of the steps
    plan.py       which cases are timed, at which sizes, how many repetitions
    problems.py   the shared seeded data and weights of every workload, and its chains
    engines/      one module per engine, all with the same functions
    worker.py     the process that runs one engine and answers requests
    processes.py  starting workers with fixed thread counts, talking to them
    checks.py     same loss and gradients across engines, before any timing
    timing.py     engines taking turns; medians and paired ratios
    memory.py     peak memory of training steps, in fresh processes
    targets.py    the targets, judged on one run's figures
    machine.py    facts about the machine
    report.py     the Markdown table, RESULTS.md and the JSON file
    gpu.py        ``python -m benchmarks gpu``: the GPU tests and W6, on a machine with a GPU
    standin.py    the CuPy stand-in for the test of ``gpu.py``

Scripts of their own: ``fit_overhead.py`` (``fit`` against a hand-written loop),
``mnist_peer.py`` (the MNIST examples' accuracy against PyTorch) and ``viz_speed.py`` (how fast
``viz`` renders).

This package imports nothing heavy at import time: a worker must be able to set its thread
counts before NumPy is imported.
"""
