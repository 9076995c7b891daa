"""Request bodies with field limits: pydantic answers 422 naming the field before any model runs."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

__all__ = ["FilmRequest"]

_Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
_Names = Annotated[list[_Name], Field(max_length=50)]
_Joined = Annotated[str, StringConstraints(max_length=10_000)]  # "A|B", as in the CSV
_Finite = Annotated[float, Field(allow_inf_nan=False)]
_Short = Annotated[str, StringConstraints(max_length=40)]
_Label = Annotated[str, StringConstraints(max_length=200)]


class FilmRequest(BaseModel):
    """One upcoming film; only ``title`` and ``release_date`` are required."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "title": "Skyfall Protocol", "release_date": "2018-07-13", "budget": 150_000_000,
        "genres": ["Action", "Thriller"], "cast": ["Some Actor"], "directors": ["Some Director"],
    }]})

    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    release_date: Annotated[str, StringConstraints(max_length=40)] = Field(
        description="planned release date, YYYY-MM-DD")
    # numbers may come as JSON numbers or as the strings the CSV and the CLI take
    # ("$17,000,000"): the new-film reader validates both, so every entry point agrees
    budget: Annotated[_Finite | _Short | None, Field(description="US dollars")] = None
    runtime: Annotated[_Finite | _Short | None, Field(description="minutes")] = None
    original_language: _Short | None = None
    certification: Annotated[_Short | None, Field(
        description="MPAA (PG-13), FSK (FSK 12 or 12) or BBFC (BBFC 15, 12A)")] = None
    genres: _Names | _Joined = []
    keywords: _Names | _Joined = []
    cast: _Names | _Joined = []
    directors: _Names | _Joined = []
    writers: _Names | _Joined = []
    companies: _Names | _Joined = []
    collection: Annotated[str | None, StringConstraints(max_length=300)] = None
    overview: Annotated[str | None, StringConstraints(max_length=20_000)] = None
    tagline: Annotated[str | None, StringConstraints(max_length=2_000)] = None
    distributor: Annotated[_Label | None, Field(description="US theatrical distributor")] = None
    story_source: Annotated[_Label | None, Field(
        description="e.g. Original Screenplay, Based on Comic/Graphic Novel")] = None
    creative_type: Annotated[_Label | None, Field(
        description="e.g. Super Hero, Contemporary Fiction")] = None
    production_method: Annotated[_Label | None, Field(
        description="e.g. Live Action, Digital Animation")] = None
    opening_theaters: Annotated[_Finite | _Short | None, Field(
        description="US theaters on the opening weekend (read by a release_week model)")] = None
    # the film's ids: carried along, never model inputs
    tmdb_id: Annotated[StrictInt | _Short | None, Field(description="TMDB film id")] = None
    imdb_id: Annotated[_Short | None, Field(description="IMDb id, e.g. tt4154756")] = None
