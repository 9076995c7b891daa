"""As-of history: what was known about a film's people, companies and keywords on its release date.

For every entity (an actor, a director, a company, a keyword, a collection) ``fit`` records the
films it appeared in with their release dates, log revenues and ratings. ``transform`` answers, for
each row, questions about the entity's films released **strictly before** the row's release date:
how many, their mean and max log revenue, their mean rating and audience size (log votes), and
the years since the last one. Earlier films' ratings and votes are public by then; the row's own
never enter. A
film never sees itself or anything released on or after its own date, so features of past films
do not change when the future changes (tested in ``tests/test_history.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from .._errors import SchemaError
from .._estimator import check_fitted
from ._title import title_stem, title_stems

__all__ = ["EntityHistory", "TalentHistory", "DEFAULT_ROLES"]

_DAY = np.int64(86_400_000_000_000)  # nanoseconds
_STATS = ("n", "mean_logrev", "max_logrev", "mean_rating", "mean_logvotes", "years_since")

# role -> (source column, how many entries of the list count: None = all)
DEFAULT_ROLES: dict[str, tuple[str, int | None]] = {
    "cast": ("cast", 3),
    "director": ("directors", 2),
    "writer": ("writers", 3),
    "company": ("companies", 3),
    "keyword": ("keywords", None),
    "collection": ("collection", None),
    "title": ("title_stem", None),  # the title family (``_title``): sequels and remakes
}


def _with_derived(films: pd.DataFrame, roles: dict) -> pd.DataFrame:
    """Add ``title_stem`` from ``title`` when a role reads it and the frame lacks it.

    A frame without titles (a table of people only) has no title families: empty lists.
    """
    wants = any(column == "title_stem" for column, _ in roles.values())
    if wants and "title_stem" not in films.columns:
        titles = films["title"] if "title" in films.columns else pd.Series(
            [None] * len(films), index=films.index)
        films = films.assign(title_stem=title_stems(titles))
    return films


def _days(dates: pd.Series) -> np.ndarray:
    values = pd.to_datetime(dates).to_numpy(dtype="datetime64[ns]").astype(np.int64)
    out = values // _DAY
    out[pd.isna(dates).to_numpy()] = np.iinfo(np.int64).min
    return out


def _explode(frame: pd.DataFrame, column: str, top: int | None) -> pd.DataFrame:
    """One row per (film row, entity): ``row`` is the positional index into ``frame``."""
    rows, names = _explode_arrays(frame, column, top)
    return pd.DataFrame({"row": rows, "entity": names})


def _explode_arrays(frame: pd.DataFrame, column: str, top: int | None
                    ) -> tuple[np.ndarray, list[str]]:
    """:func:`_explode` as plain arrays (pandas per-call overhead dominated one-film forecasts)."""
    values = frame[column].tolist()
    listed = frame[column].dtype == object and any(
        isinstance(v, list | tuple | np.ndarray) for v in values)
    return _explode_values(values, listed, top)


def _explode_values(values: list, listed: bool, top: int | None
                    ) -> tuple[np.ndarray, list[str]]:
    rows, names = [], []
    for r, v in enumerate(values):
        if listed:
            items = list(v)[:top] if isinstance(v, list | tuple | np.ndarray) else []
        else:  # a scalar column such as ``collection``
            items = [v] if isinstance(v, str) and v else []
        for x in items:
            name = str(x).strip().lower()
            if name:
                rows.append(r)
                names.append(name)
    return np.asarray(rows, dtype=np.int64), names


class EntityHistory:
    """Cumulative, date-sorted statistics of one role's entities (a plain helper, not an estimator)."""

    def __init__(self, records: pd.DataFrame):
        # records: entity, day, logrev, rating, logvotes (each NaN if unknown)
        if "logvotes" not in records.columns:  # model directories written before votes were kept
            records = records.assign(logvotes=np.nan)
        records = records.sort_values(["entity", "day"], kind="mergesort").reset_index(drop=True)
        self.records = records
        codes, uniques = pd.factorize(records["entity"], sort=False)
        self.vocab = pd.Index(uniques)
        self._lookup: dict[str, int] | None = None  # name -> code, built on the first small query
        self._code = codes.astype(np.int64)
        self._day = records["day"].to_numpy(np.int64)
        self._key = self._code * np.int64(1 << 32) + (self._day - np.int64(-(1 << 31)))
        logrev = records["logrev"].to_numpy(float)
        rating = records["rating"].to_numpy(float)
        has_rev = ~np.isnan(logrev)
        has_rat = ~np.isnan(rating)
        # cumulative sums restart for each entity, so an entity's later records (or any other
        # entity's) cannot change, even in the last bit, what an earlier date sees
        votes = records["logvotes"].to_numpy(float)
        has_votes = ~np.isnan(votes)

        def cumsum(values):
            return pd.Series(values).groupby(codes).cumsum().to_numpy(float)

        self._cum_n = cumsum(np.ones(len(records)))
        self._cum_rev_n = cumsum(has_rev.astype(float))
        self._cum_rev = cumsum(np.where(has_rev, logrev, 0.0))
        self._cum_rat_n = cumsum(has_rat.astype(float))
        self._cum_rat = cumsum(np.where(has_rat, rating, 0.0))
        self._cum_votes_n = cumsum(has_votes.astype(float))
        self._cum_votes = cumsum(np.where(has_votes, votes, 0.0))
        grouped = pd.Series(np.where(has_rev, logrev, -np.inf)).groupby(codes)
        self._cum_max = grouped.cummax().to_numpy(float)
        first = np.r_[0, np.flatnonzero(np.diff(self._code)) + 1] if len(codes) else np.array([], int)
        self._start = np.zeros(len(self.vocab) + 1, dtype=np.int64)
        if len(codes):
            self._start[self._code[first]] = first

    def query(self, entities: pd.Series, days: np.ndarray) -> pd.DataFrame:
        """Stats of each entity's records strictly before ``days`` (aligned arrays)."""
        return pd.DataFrame(self._query_arrays(entities, days), index=entities.index)

    def _codes(self, entities) -> np.ndarray:
        """Each entity's code in the vocabulary, -1 when unknown."""
        if len(entities) > 64:  # a batch: pandas' vectorised lookup
            return self.vocab.get_indexer(entities)
        # a few names (one film): a dict beats get_indexer's ~50 µs of fixed cost per call
        lookup = getattr(self, "_lookup", None)  # None also for an object made before it existed
        if lookup is None:
            lookup = self._lookup = {name: i for i, name in enumerate(self.vocab)}
        return np.array([lookup.get(name, -1) for name in entities], dtype=np.intp)

    def _query_arrays(self, entities, days: np.ndarray) -> dict[str, np.ndarray]:
        code = self._codes(entities)
        known = code >= 0
        n = len(code)
        out = {s: np.full(n, np.nan) for s in _STATS}
        out["n"] = np.zeros(n)
        if known.any() and len(self._key):
            c = code[known].astype(np.int64)
            key = c * np.int64(1 << 32) + (days[known] - np.int64(-(1 << 31)))
            pos = np.searchsorted(self._key, key, side="left") - 1  # last record strictly before
            start = self._start[c]
            valid = pos >= start
            p = np.where(valid, pos, 0)

            def _cum(arr):
                return np.where(valid, arr[p], 0.0)

            cnt = _cum(self._cum_n)
            rev_n, rev = _cum(self._cum_rev_n), _cum(self._cum_rev)
            rat_n, rat = _cum(self._cum_rat_n), _cum(self._cum_rat)
            votes_n, votes = _cum(self._cum_votes_n), _cum(self._cum_votes)
            with np.errstate(invalid="ignore", divide="ignore"):
                mean_rev = np.where(rev_n > 0, rev / np.maximum(rev_n, 1), np.nan)
                mean_rat = np.where(rat_n > 0, rat / np.maximum(rat_n, 1), np.nan)
                mean_votes = np.where(votes_n > 0, votes / np.maximum(votes_n, 1), np.nan)
            max_rev = np.where(valid, self._cum_max[p], np.nan)
            max_rev[~np.isfinite(max_rev)] = np.nan
            since = np.where(valid, (days[known] - self._day[p]) / 365.25, np.nan)
            arrays = (cnt, mean_rev, max_rev, mean_rat, mean_votes, since)
            for name, arr in zip(_STATS, arrays, strict=True):
                out[name][known] = arr
        return out


class TalentHistory(TransformerMixin, BaseEstimator):
    """As-of history features for cast, directors, writers, companies, keywords and collections.

    Parameters
    ----------
    roles : dict or None
        ``{role: (column, top_k)}``; defaults to :data:`DEFAULT_ROLES`.
    target : str
        Revenue column whose log enters the history (inflation-adjusted by default).

    Examples
    --------
    >>> from reelcast.data import make_market
    >>> films = make_market(300, seed=1)
    >>> TalentHistory().fit(films).transform(films).shape[0] == len(films)
    True
    """

    def __init__(self, roles: dict | None = None, target: str = "revenue_adj"):
        self.roles = roles
        self.target = target

    def _roles(self) -> dict[str, tuple[str, int | None]]:
        return dict(DEFAULT_ROLES if self.roles is None else self.roles)

    def fit(self, films: pd.DataFrame, y=None):
        roles = self._roles()
        films = _with_derived(films, roles)
        missing = [c for c in ("release_date", self.target, *(c for c, _ in roles.values()))
                   if c not in films.columns]
        if missing:
            raise SchemaError(f"TalentHistory needs columns {missing}; got {list(films.columns)}")
        films = films.reset_index(drop=True)
        days = _days(films["release_date"])
        revenue = pd.to_numeric(films[self.target], errors="coerce").to_numpy(float)
        logrev = np.where(revenue > 0, np.log(np.where(revenue > 0, revenue, 1.0)), np.nan)
        rating = (pd.to_numeric(films["rating"], errors="coerce").to_numpy(float)
                  if "rating" in films.columns else np.full(len(films), np.nan))
        votes = (pd.to_numeric(films["vote_count"], errors="coerce").to_numpy(float)
                 if "vote_count" in films.columns else np.full(len(films), np.nan))
        logvotes = np.log1p(np.where(votes >= 0, votes, np.nan))
        dated = days != np.iinfo(np.int64).min
        self.histories_ = {}
        for role, (column, top) in roles.items():
            ex = _explode(films, column, top)
            ex = ex[dated[ex["row"].to_numpy()]]
            rows = ex["row"].to_numpy()
            records = pd.DataFrame({"entity": ex["entity"].to_numpy(), "day": days[rows],
                                    "logrev": logrev[rows], "rating": rating[rows],
                                    "logvotes": logvotes[rows]})
            self.histories_[role] = EntityHistory(records)
        self.feature_names_out_ = [f"{role}_{agg}" for role in roles for agg in _role_aggs()]
        return self

    def transform(self, films: pd.DataFrame) -> pd.DataFrame:
        # one frame at the end: a frame per role and a concat cost ~1 ms of a one-film forecast
        return pd.DataFrame(self.transform_columns(films))

    def transform_columns(self, films: pd.DataFrame) -> dict[str, np.ndarray]:
        """The output columns as ``{name: array}`` (what :meth:`transform` makes a frame of)."""
        check_fitted(self, "histories_", "fit(films)")
        days = _days(films["release_date"])
        columns: dict[str, np.ndarray] = {}
        for role, (column, top) in self._roles().items():
            values, listed = _role_values(films, column, role)
            rows, names = _explode_values(values, listed, top)
            stats = self.histories_[role]._query_arrays(names, days[rows])
            columns |= _aggregate(role, stats, rows, len(films))
        return columns

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self.feature_names_out_, dtype=object)


def _role_aggs() -> tuple[str, ...]:
    return ("share_known", "films_mean", "films_max", "logrev_mean", "logrev_max",
            "logrev_best_mean", "rating_mean", "logvotes_best_mean", "years_since_min")


def _role_values(films: pd.DataFrame, column: str, role: str) -> tuple[list, bool]:
    """The values of one role's column and whether it holds lists (see :func:`_explode`).

    ``title_stem`` is derived from ``title`` when the frame lacks it (as :func:`_with_derived`
    does, without copying the frame).
    """
    if column == "title_stem" and column not in films.columns:
        titles = films["title"].tolist() if "title" in films.columns else [None] * len(films)
        values = [[stem] if (stem := title_stem(t)) else [] for t in titles]
        return values, bool(values)
    if column not in films.columns:
        raise SchemaError(f"TalentHistory needs column '{column}' for role '{role}'")
    values = films[column].tolist()
    listed = films[column].dtype == object and any(
        isinstance(v, list | tuple | np.ndarray) for v in values)
    return values, listed


def _aggregate(role: str, stats: dict[str, np.ndarray], row: np.ndarray,
               n_rows: int) -> dict[str, np.ndarray]:
    """Per film: combine its entities' stats (e.g. the top-3 cast) into fixed-width features.

    ``stats`` holds one array per statistic and ``row`` the film row of each entry. Plain numpy
    scatter-reductions (NaN-skipping like pandas' groupby, which cost ~2 ms per role on a
    one-film forecast).
    """
    row = np.asarray(row, np.int64)
    n = np.asarray(stats["n"], float)

    def nan_reduce(values, ufunc, init):
        out = np.full(n_rows, init)
        ok = ~np.isnan(values)
        ufunc.at(out, row[ok], values[ok])
        seen = np.zeros(n_rows, bool)
        seen[row[ok]] = True
        return np.where(seen, out, np.nan)

    def nan_mean(values):
        ok = ~np.isnan(values)
        total = np.zeros(n_rows)
        np.add.at(total, row[ok], values[ok])
        count = np.bincount(row[ok], minlength=n_rows)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / np.maximum(count, 1), np.nan)

    mean_logrev = np.asarray(stats["mean_logrev"], float)
    # shares and means, never counts or sums: how many people or keywords a source happened to
    # list measures the source's coverage, not the film. A film with none listed gets NaN
    # (unknown), which differs from listed people who are all newcomers (0).
    listed = np.bincount(row, minlength=n_rows).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share_known = np.bincount(row, weights=(n > 0).astype(float), minlength=n_rows) / listed
        films_mean = np.bincount(row, weights=n, minlength=n_rows) / listed
    frame = {
        "share_known": share_known,
        "films_mean": films_mean,
        "films_max": nan_reduce(n, np.maximum, -np.inf),
        "logrev_mean": nan_mean(mean_logrev),
        "logrev_max": nan_reduce(np.asarray(stats["max_logrev"], float), np.maximum, -np.inf),
        "logrev_best_mean": nan_reduce(mean_logrev, np.maximum, -np.inf),
        "rating_mean": nan_mean(np.asarray(stats["mean_rating"], float)),
        "logvotes_best_mean": nan_reduce(np.asarray(stats["mean_logvotes"], float), np.maximum,
                                         -np.inf),
        "years_since_min": nan_reduce(np.asarray(stats["years_since"], float), np.minimum, np.inf),
    }
    return {f"{role}_{c}": v.astype(float) for c, v in frame.items()}
