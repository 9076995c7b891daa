"""Where independent units of work run: here, one after another (the default), or as Ray tasks.

The heavy loops (the backtest's years, poster embedding's batches, the copycat study's bootstrap
refits) hand their units to ``current_executor().map(fn, items, *shared)``. Nothing in this module
imports Ray: :class:`SerialExecutor` is the default, and only ``open_executor("local")`` or
``open_executor("HOST:PORT")`` load the Ray backend (``reelcast[ray]``), so a run without
``--ray`` never imports it.

``map`` yields each unit's result in the order of ``items`` whatever the backend, and every unit
gets the same arguments either way, so a deterministic unit gives the same bytes with and without
Ray. ``fn`` must be a module-level function (Ray ships it by name) and the ``shared`` arguments,
which every unit reads (a corpus, a network's weights), are sent to the cluster once.

Examples
--------
>>> from reelcast._executor import current_executor, open_executor
>>> def square(x, offset):
...     return x * x + offset
>>> with open_executor(None):  # the serial default; "local" would start a Ray cluster here
...     list(current_executor().map(square, [1, 2, 3], 10))
[11, 14, 19]
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Callable, Iterable, Iterator

from ._errors import InputError

__all__ = ["ENV_VAR", "SerialExecutor", "cap_threads", "capped_n_jobs", "check_address",
           "current_executor", "open_executor", "use_executor"]

ENV_VAR = "REELCAST_RAY_ADDRESS"
# "local" starts a cluster in this process; "auto" joins the one `ray start` left on this machine
_ADDRESS = re.compile(r"^(local|auto|(ray://)?[A-Za-z0-9._\-]+:\d{1,5})$")


class SerialExecutor:
    """Each unit here, in order: the default backend (no dependency, no process, no copy)."""

    name = "serial"
    workers = 1
    # units keep their own thread settings: alone on the machine, a model may use every core
    threads_per_task: int | None = None

    def map(self, fn: Callable, items: Iterable, *shared) -> Iterator:
        """``fn(item, *shared)`` for each item, lazily, in order."""
        for item in items:
            yield fn(item, *shared)

    def close(self) -> None:
        """Nothing to release."""

    def __repr__(self) -> str:
        return "SerialExecutor()"


_SERIAL = SerialExecutor()
_CURRENT: contextvars.ContextVar = contextvars.ContextVar("reelcast_executor", default=None)


def current_executor():
    """The executor the heavy loops use now (:class:`SerialExecutor` unless one is in use)."""
    executor = _CURRENT.get()
    return _SERIAL if executor is None else executor


@contextlib.contextmanager
def use_executor(executor) -> Iterator:
    """Make ``executor`` the current one inside the ``with`` block (it is not closed after)."""
    token = _CURRENT.set(executor)
    try:
        yield executor
    finally:
        _CURRENT.reset(token)


def check_address(address: str) -> str:
    """``address`` stripped, or :class:`InputError` when it is no Ray address."""
    text = str(address).strip()
    if not _ADDRESS.match(text):
        raise InputError(f"--ray {address!r} is not a Ray address: give local (a cluster in this "
                         "process), auto, or HOST:PORT of a running cluster")
    return text


@contextlib.contextmanager
def open_executor(address: str | None = None, *, cpus_per_task: int = 1) -> Iterator:
    """The executor ``address`` names, current inside the block and closed after it.

    Parameters
    ----------
    address : str or None
        ``None`` or ``""``: :class:`SerialExecutor`. ``"local"``: start a Ray cluster in this
        process (all cores); ``"auto"`` or ``"HOST:PORT"``: join a running cluster (``ray start``).
        The command line reads it from ``--ray`` or the ``REELCAST_RAY_ADDRESS`` variable.
    cpus_per_task : int, default 1
        CPUs Ray reserves for each unit; its thread pools (LightGBM, torch, BLAS) are capped to it.
    """
    if address is None or not str(address).strip():
        executor = SerialExecutor()
    else:
        address = check_address(address)
        from ._ray_executor import RayExecutor  # the only path that imports Ray

        executor = RayExecutor(address, cpus_per_task=cpus_per_task)
    try:
        with use_executor(executor):
            yield executor
    finally:
        executor.close()


def capped_n_jobs(n_jobs: int | None, threads: int | None) -> int | None:
    """``n_jobs`` lowered to ``threads`` when it asks for more (or for every core: ``< 1``)."""
    if threads is None or n_jobs is None or 1 <= n_jobs <= threads:
        return n_jobs
    return threads


def cap_threads(estimator, threads: int | None):
    """Lower an estimator's ``n_jobs`` to ``threads`` (when it has one and uses more).

    A Ray task owns ``cpus_per_task`` cores; a forecaster with ``n_jobs=2`` in each of two tasks on
    two cores would run four LightGBM threads that spin against each other.
    """
    if threads is None or not hasattr(estimator, "get_params"):
        return estimator
    n_jobs = estimator.get_params(deep=False).get("n_jobs")
    if capped_n_jobs(n_jobs, threads) != n_jobs:
        estimator.set_params(n_jobs=threads)
    return estimator
