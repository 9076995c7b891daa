"""``--ray ADDRESS``: the option shared by the commands whose heavy loops can run on Ray."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Annotated

import typer

from .._executor import ENV_VAR, open_executor

__all__ = ["RayAddress", "executor_for"]

RayAddress = Annotated[str | None, typer.Option(
    "--ray", envvar=ENV_VAR, metavar="ADDRESS",
    help="Run the heavy loop as Ray tasks: 'local' starts a cluster in this process, HOST:PORT "
         "joins a running one (ray start). Needs reelcast[ray]. Same results as without it.")]


@contextlib.contextmanager
def executor_for(address: str | None) -> Iterator:
    """The executor ``--ray`` names, current inside the block; says on stderr where units run."""
    with open_executor(address) as executor:
        if executor.name != "serial":
            typer.echo(f"running on Ray at {address} ({executor.workers} workers)", err=True)
        yield executor
