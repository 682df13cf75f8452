"""A long render stops promptly on KeyboardInterrupt (what Ctrl-C and the notebook's interrupt
button raise), and the package keeps working afterwards."""

import _thread
import threading
import time

import pytest

import attractors


@pytest.mark.parametrize("exact", [False, True])
def test_interrupt_from_another_thread_stops_within_a_second(exact):
    sent = []

    def interrupt():
        sent.append(time.monotonic())
        _thread.interrupt_main()

    timer = threading.Timer(0.5, interrupt)
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            # Hours of work at any speed this test runs at.
            attractors.render(n="1T", size=(256, 256), backend="cpu", exact=exact)
    finally:
        timer.cancel()
    stopped = time.monotonic()
    assert sent, "the render finished before the interrupt"
    assert stopped - sent[0] < 1.0, f"stopped {stopped - sent[0]:.2f} s after the interrupt"
    assert stopped - started > 0.4
    r = attractors.render(n=1e4, size=(16, 16), backend="cpu")
    assert r.tally["total"] == 10_000
