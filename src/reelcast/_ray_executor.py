"""The Ray backend of :mod:`reelcast._executor`: each unit of work a Ray task on a cluster.

Imported only by ``open_executor`` when an address is given. The driver's own ``reelcast``
package travels with the job (``runtime_env={"py_modules": ...}``), so the workers run exactly the
code of the process that submits, whatever version the cluster has installed.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path

from ._errors import InputError, ReelcastError, require

__all__ = ["RayExecutor"]


def _run_unit(fn: Callable, threads: int, cwd: str, item, *shared):
    """One unit inside a Ray worker, in the driver's folder, its thread pools capped to the CPUs
    of the task.

    Relative paths (``--data ../shared/data``, a cache folder) mean what they mean to the driver
    wherever that folder exists (on its own machine, or a shared file system). Ray sets
    ``OMP_NUM_THREADS`` for its workers, but torch may have been imported before (by unpickling a
    network) and a BLAS may ignore it: cap both explicitly.
    """
    from threadpoolctl import threadpool_limits

    if os.path.isdir(cwd):
        os.chdir(cwd)

    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    with threadpool_limits(limits=threads):
        return fn(item, *shared)


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail fast on a HOST:PORT where nothing listens (``ray.init`` would wait for minutes)."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            pass
    except OSError as exc:
        raise InputError(f"--ray {address!r}: no Ray cluster answers there ({exc.strerror or exc}); "
                         "start one with `ray start --head` or give --ray local") from None


class RayExecutor:
    """Units of work as Ray tasks, ``cpus_per_task`` CPUs each; results in submission order.

    Parameters
    ----------
    address : str
        ``"local"`` starts a cluster in this process with every core; ``"auto"`` or
        ``"HOST:PORT"`` joins a running one. When Ray is already initialised in this process, that
        connection is used as it is (and left open).
    cpus_per_task : int, default 1
    num_cpus : int, optional
        For ``"local"``: the CPUs of the cluster started here (default: every core).

    Attributes
    ----------
    workers : int
        How many units run at once: the cluster's CPUs divided by ``cpus_per_task``.
    threads_per_task : int
        The thread cap of each unit (``cpus_per_task``).
    """

    name = "ray"

    def __init__(self, address: str, *, cpus_per_task: int = 1, num_cpus: int | None = None
                 ) -> None:
        if not isinstance(cpus_per_task, int) or cpus_per_task < 1:
            raise InputError(f"cpus_per_task must be a positive int, got {cpus_per_task!r}")
        if num_cpus is not None and address != "local":
            raise InputError(f"num_cpus applies to a cluster started here (local), not {address!r}")
        ray = require("ray", "ray")
        self._ray = ray
        self.address = address
        self.cpus_per_task = self.threads_per_task = cpus_per_task
        self._owns = not ray.is_initialized()
        if self._owns:
            self._connect(address, num_cpus)
        cpus = float(ray.cluster_resources().get("CPU", 1.0))
        self.workers = max(1, int(cpus // cpus_per_task))
        self._task = ray.remote(num_cpus=cpus_per_task)(_run_unit)

    def _connect(self, address: str, num_cpus: int | None) -> None:
        import reelcast

        # no network at run time: a cluster started here must not report usage statistics
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        if address not in ("local", "auto"):
            _check_reachable(address)
        options = dict(logging_level=logging.WARNING, log_to_driver=False,
                       runtime_env={"py_modules": [str(Path(reelcast.__file__).parent)]})
        if address == "local":
            options.update(include_dashboard=False, num_cpus=num_cpus)
        try:
            self._ray.init(address=address, **options)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"--ray {address!r}: could not join the Ray cluster: {first}") from None

    def map(self, fn: Callable, items: Iterable, *shared) -> Iterator:
        """``fn(item, *shared)`` for each item as a Ray task; yields results in item order.

        ``fn`` and each of ``shared`` are put in the object store once, not once per task. At most
        ``max(8, 4 * workers)`` tasks are in flight, so a long ``items`` never floods the cluster.
        """
        ray = self._ray
        fn_ref = ray.put(fn)
        shared_refs = [ray.put(value) for value in shared]
        items = iter(items)
        cwd = os.getcwd()
        pending: deque = deque()

        def submit(batch) -> None:
            for item in batch:
                pending.append(self._task.remote(fn_ref, self.threads_per_task, cwd, item,
                                                 *shared_refs))

        submit(islice(items, max(8, 4 * self.workers)))
        try:
            while pending:
                result = self._get(pending.popleft())
                submit(islice(items, 1))
                yield result
        finally:
            for ref in pending:  # the caller stopped early or a unit failed
                ray.cancel(ref)

    def _get(self, ref):
        try:
            return self._ray.get(ref)
        except self._ray.exceptions.RayTaskError as exc:
            cause = getattr(exc, "cause", None)
            if isinstance(cause, ReelcastError):  # one line for the user, as without Ray
                raise cause from None
            raise

    def close(self) -> None:
        """Leave the cluster (and stop it, for ``"local"``) when this executor joined it."""
        if self._owns and self._ray.is_initialized():
            self._ray.shutdown()
        self._owns = False

    def __repr__(self) -> str:
        return f"RayExecutor({self.address!r}, workers={self.workers})"
