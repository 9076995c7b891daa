"""Request bodies with field limits: pydantic answers 422 naming the field before any model runs."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

__all__ = ["FilmRequest"]

_Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
_Names = Annotated[list[_Name], Field(max_length=50)]


class FilmRequest(BaseModel):
    """One upcoming film; only ``title`` and ``release_date`` are required."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "title": "Skyfall Protocol", "release_date": "2018-07-13", "budget": 150_000_000,
        "genres": ["Action", "Thriller"], "cast": ["Some Actor"], "directors": ["Some Director"],
    }]})

    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    release_date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")] = Field(
        description="planned release date, YYYY-MM-DD")
    budget: Annotated[float | None, Field(ge=0, le=2e9, description="US dollars")] = None
    runtime: Annotated[float | None, Field(ge=1, le=1000, description="minutes")] = None
    original_language: Annotated[str | None, StringConstraints(pattern=r"^[a-z]{2}$")] = None
    certification: Annotated[str | None, StringConstraints(max_length=40)] = None
    genres: _Names = []
    keywords: _Names = []
    cast: _Names = []
    directors: _Names = []
    writers: _Names = []
    companies: _Names = []
    collection: Annotated[str | None, StringConstraints(max_length=300)] = None
    overview: Annotated[str | None, StringConstraints(max_length=20_000)] = None
    tagline: Annotated[str | None, StringConstraints(max_length=2_000)] = None
