"""Signals as exceptions, and deferred while the batch talks to its process pool."""

from __future__ import annotations

import os
import signal

import pytest

from model_advisor.signals import Signalled, deferred, signals_raised


def test_a_signal_inside_deferred_is_raised_when_the_block_ends() -> None:
    reached = []
    with signals_raised(), pytest.raises(Signalled) as caught:
        with deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            reached.append("after the signal")  # the block goes on to its end
        reached.append("after the block")  # not reached: the signal is raised first
    assert reached == ["after the signal"]
    assert caught.value.signum == signal.SIGTERM


def test_a_signal_outside_deferred_is_raised_at_once() -> None:
    with signals_raised(), pytest.raises(Signalled) as caught:
        os.kill(os.getpid(), signal.SIGHUP)
        pytest.fail("the signal should have been raised here")
    assert caught.value.signum == signal.SIGHUP


def test_a_block_that_fails_drops_the_signal_it_deferred() -> None:
    with signals_raised(), pytest.raises(ValueError), deferred():
        os.kill(os.getpid(), signal.SIGTERM)
        raise ValueError("the run was failing anyway")
    with signals_raised(), deferred():
        pass  # nothing left pending from before


def test_nested_deferral_raises_only_when_the_outermost_block_ends() -> None:
    order = []
    with signals_raised(), pytest.raises(Signalled), deferred():
        with deferred():
            os.kill(os.getpid(), signal.SIGTERM)
        order.append("inner block ended")
    assert order == ["inner block ended"]
