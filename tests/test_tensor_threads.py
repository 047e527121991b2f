"""``no_grad``, ``enable_grad`` and ``detect_anomaly`` belong to the thread that sets them.

A ``no_grad`` block in one thread once switched recording off in every thread (a second thread's
training steps recorded no graph), and two overlapping blocks could leave it off for good.
"""

from __future__ import annotations

import threading

import numpy as np

import autograd_lite as al
from autograd_lite import Tensor, modes


def _in_thread(fn):
    errors = []

    def run():
        try:
            fn()
        except BaseException as error:  # reported to the test's thread
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_no_grad_in_one_thread_leaves_another_thread_recording():
    inside, release = threading.Event(), threading.Event()

    def hold_no_grad():
        with al.no_grad():
            inside.set()
            release.wait(10)

    thread, errors = _in_thread(hold_no_grad)
    assert inside.wait(10)
    try:
        x = Tensor(np.ones(3), requires_grad=True)
        assert al.is_grad_enabled()
        assert (x * 2).requires_grad
    finally:
        release.set()
        thread.join()
    assert not errors


def test_training_steps_in_a_second_thread_all_record_while_the_first_toggles_no_grad():
    stop = threading.Event()

    def toggle():
        while not stop.is_set():
            with al.no_grad():
                pass

    thread, errors = _in_thread(toggle)
    try:
        w = Tensor(np.ones(4), requires_grad=True)
        recorded = sum((w * w).sum().requires_grad for _ in range(3000))
    finally:
        stop.set()
        thread.join()
    assert recorded == 3000 and not errors


def test_overlapping_blocks_in_two_threads_restore_recording_everywhere():
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def a():
        with al.no_grad():
            a_in.set()
            b_in.wait(10)
        a_out.set()

    def b():
        a_in.wait(10)
        with al.no_grad():
            b_in.set()
            a_out.wait(10)

    threads = [_in_thread(a), _in_thread(b)]
    for thread, _ in threads:
        thread.join()
    assert al.is_grad_enabled()
    assert modes.switched.grad_enabled == 0
    assert all(not errors for _, errors in threads)


def test_decorated_function_running_in_two_threads_at_once():
    inside = threading.Barrier(2)

    @al.no_grad()
    def evaluate():
        inside.wait(10)
        return al.is_grad_enabled()

    results = []
    threads = [_in_thread(lambda: results.append(evaluate())) for _ in range(2)]
    for thread, _ in threads:
        thread.join()
    assert results == [False, False]
    assert al.is_grad_enabled()


def test_detect_anomaly_is_per_thread_too():
    inside, release = threading.Event(), threading.Event()

    def hold():
        with al.detect_anomaly():
            inside.set()
            release.wait(10)

    thread, errors = _in_thread(hold)
    assert inside.wait(10)
    try:
        with np.errstate(all="ignore"):
            al.log(Tensor([-1.0]))  # a nan, but this thread does not detect anomalies
    finally:
        release.set()
        thread.join()
    assert not errors
