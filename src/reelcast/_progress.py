"""A progress bar on stderr for anything that takes more than a few seconds."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

__all__ = ["progress_bar"]


@contextlib.contextmanager
def progress_bar(description: str, total: int | None, enabled: bool = True, *,
                 transient: bool = False) -> Iterator:
    """Yield ``advance(n=1, description=None, **fields)``; draws a rich bar on stderr when
    ``enabled`` (``transient``: removed when done).

    ``description`` replaces the bar's label (the step now running); ``fields`` (for instance
    ``loss=0.31``) are shown after the bar. Disabled, it does nothing, so tests and library
    callers pay no cost.
    """
    if not enabled:
        yield lambda n=1, description=None, **fields: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[info]}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=transient) as progress:
        task = progress.add_task(description, total=total, info="")

        def advance(n: int = 1, description: str | None = None, **fields) -> None:
            info = " ".join(
                f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in fields.items()
            )
            progress.update(task, advance=n, **({"info": info} if fields else {}),
                            **({"description": description} if description else {}))

        yield advance
