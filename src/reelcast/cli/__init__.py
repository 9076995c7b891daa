"""The ``reelcast`` command: thin typed commands over the library.

Each command group lives in its own ``_<name>.py`` module exposing ``register(app)``. Library errors
(``ReelcastError``) become one line on stderr and exit code 1; usage errors (an unknown command or
option, a missing or malformed option) become one line plus the usage hint and exit code 2, as
click does. Never a traceback.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer

from .._errors import ReelcastError

__all__ = ["app", "main"]

app = typer.Typer(
    name="reelcast",
    help="Pre-release film forecasts: box office with intervals, rating, genres.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain click help: rich mode prints a stray "<bool>" type after every flag
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"reelcast {version('reelcast')}")
        except PackageNotFoundError:  # running from a source tree that was never installed
            typer.echo("reelcast (not installed)")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Pre-release film forecasts: box office with intervals, rating, genres.

    \b
    Start with:
      reelcast train --corpus artifacts/corpus --out artifacts/model
      reelcast forecast --model artifacts/model --title "A Quiet Place" --release-date 2018-04-06
    """


# command modules, in the order their commands appear in --help
_COMMAND_MODULES: tuple[str, ...] = ("_corpus", "_model", "_forecast", "_serve", "_report", "_vision", "_copycat",
                                     "_fetch", "_anime")

for _name in _COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}").register(app)


def _click_classes() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """(ClickException classes, Exit classes) of click and of typer's bundled copy of it.

    typer >= 0.29 raises its own ``typer._click`` exceptions, which are not click's classes;
    checking only ``click.exceptions`` lets every usage error escape as a traceback.
    """
    errors: list[type] = []
    exits: list[type] = [typer.Exit]
    try:
        import click

        errors.append(click.exceptions.ClickException)
        exits.append(click.exceptions.Exit)
    except ImportError:  # pragma: no cover - typer without click
        pass
    try:
        from typer._click import exceptions as bundled

        errors.append(bundled.ClickException)
    except ImportError:  # pragma: no cover - older typer uses click itself
        pass
    return tuple(errors), tuple(exits)


def _show_usage_error(exc) -> int:
    """One line naming the problem, then the usage hint (``Try 'reelcast X --help'``)."""
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help is the hint
        typer.echo(exc.format_message(), err=True)
        return 2
    typer.echo(f"error: {exc.format_message()}", err=True)
    if ctx is not None:
        typer.echo(f"Try '{ctx.command_path} --help' for help.", err=True)
    return int(getattr(exc, "exit_code", 2))


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; translate errors into a one-line message and an exit code (never a traceback)."""
    errors, exits = _click_classes()
    try:
        app(args=argv, prog_name="reelcast", standalone_mode=False)
    except ReelcastError as exc:
        typer.echo(f"error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                   err=True)
        return 1
    except exits as exc:
        return int(exc.exit_code)
    except errors as exc:
        return _show_usage_error(exc)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aborted", err=True)
        return 1
    except Exception as exc:
        if type(exc).__name__ == "Abort":  # click's or the bundled copy's Ctrl-C / EOF
            typer.echo("aborted", err=True)
            return 1
        raise
    return 0


def entrypoint() -> None:  # pragma: no cover - console script
    sys.exit(main())
