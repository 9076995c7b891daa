"""The ``reelcast`` command: thin typed commands over the library.

Each command group lives in its own ``_<name>.py`` module exposing ``register(app)``. Library errors
(``ReelcastError``) become one line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import typer

from .._errors import ReelcastError

__all__ = ["app", "main"]

app = typer.Typer(
    name="reelcast",
    help="Pre-release film forecasts: box office with intervals, rating, genres.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# command modules, in the order their commands appear in --help
_COMMAND_MODULES: tuple[str, ...] = ("_corpus", "_model", "_forecast", "_serve", "_report", "_vision", "_copycat",
                                     "_fetch")

for _name in _COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}").register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; translate library errors into a one-line message and exit code 1."""
    try:
        app(args=argv, standalone_mode=False)
    except ReelcastError as exc:
        typer.echo(f"error: {exc}", err=True)
        return 1
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aborted", err=True)
        return 1
    except Exception as exc:  # click usage errors carry their own exit code
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            return exc.exit_code
        if isinstance(exc, click.exceptions.Exit):
            return exc.exit_code
        raise
    return 0


def entrypoint() -> None:  # pragma: no cover - console script
    sys.exit(main())
