"""reelcast: pre-release forecasts of a film's box office, rating and genres."""

__version__ = "0.1.0"

from ._errors import (
    ArtifactError,
    DataFileError,
    ImageError,
    InputError,
    MissingDependencyError,
    NotFittedError,
    ReelcastError,
    SchemaError,
)

__all__ = [
    "ArtifactError",
    "DataFileError",
    "ImageError",
    "InputError",
    "MissingDependencyError",
    "NotFittedError",
    "ReelcastError",
    "SchemaError",
    "__version__",
]
