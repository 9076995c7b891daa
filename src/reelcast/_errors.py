"""One small exception family. The CLI and HTTP layers translate these; they never re-validate."""

from __future__ import annotations

__all__ = [
    "ReelcastError",
    "SchemaError",
    "InputError",
    "DataFileError",
    "ImageError",
    "NotFittedError",
    "MissingDependencyError",
    "ArtifactError",
    "FetchError",
]


class ReelcastError(Exception):
    """Base class: every error reelcast raises on purpose. Its message is one line for a person."""


class SchemaError(ReelcastError, ValueError):
    """A table lacks a required column or has a column of the wrong kind."""


class InputError(ReelcastError, ValueError):
    """A value is malformed or out of range: the message names the field and the value."""


class DataFileError(ReelcastError, FileNotFoundError):
    """An expected data file is missing, empty or unreadable."""


class ImageError(ReelcastError, ValueError):
    """An image is corrupt, truncated, empty, not an image, or too large."""


class NotFittedError(ReelcastError, AttributeError):
    """An estimator was used before ``fit``."""


class MissingDependencyError(ReelcastError, ImportError):
    """An optional dependency is not installed; the message says which extra to install."""


class ArtifactError(ReelcastError):
    """A model or cache directory is incomplete, tampered with, or from an incompatible version."""


class FetchError(ReelcastError):
    """A remote source (TMDB) refused, failed or answered nonsense; ``status`` is its HTTP status
    (``None`` for a network failure or a malformed answer). The message never holds a secret."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def require(module: str, extra: str):
    """Import an optional heavy module lazily, or say which extra provides it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            f"{module} is needed for this; install it with: pip install 'reelcast[{extra}]'"
        ) from exc
