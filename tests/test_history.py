"""As-of history: the leakage test and hand-checked statistics."""

import numpy as np
import pandas as pd
import pytest

from reelcast.data import make_market
from reelcast.features import PreReleaseFeatures, TalentHistory


def _films(rows):
    frame = pd.DataFrame(rows)
    frame["release_date"] = pd.to_datetime(frame["release_date"])
    for col in ("cast", "directors", "writers", "companies", "keywords"):
        if col not in frame:
            frame[col] = [[] for _ in range(len(frame))]
    frame["collection"] = frame.get("collection", pd.Series([None] * len(frame)))
    frame["revenue_adj"] = frame["revenue"]
    return frame


def test_statistics_use_strictly_earlier_films():
    films = _films([
        {"release_date": "2000-01-01", "directors": ["Ann"], "revenue": np.e**2, "rating": 6.0},
        {"release_date": "2001-01-01", "directors": ["Ann"], "revenue": np.e**4, "rating": 8.0},
        {"release_date": "2001-01-01", "directors": ["Ann"], "revenue": np.e**9, "rating": 1.0},
        {"release_date": "2003-01-01", "directors": ["ann "], "revenue": np.nan, "rating": None},
    ])
    out = TalentHistory().fit(films).transform(films)
    n = out["director_films_mean"].tolist()
    assert n == [0, 1, 1, 3]  # the two 2001 films do not see each other (same day)
    assert out["director_share_known"].tolist() == [0, 1, 1, 1]
    assert out.loc[1, "director_logrev_mean"] == pytest.approx(2.0)
    assert out.loc[3, "director_logrev_mean"] == pytest.approx(5.0)
    assert out.loc[3, "director_logrev_max"] == pytest.approx(9.0)
    assert out.loc[3, "director_rating_mean"] == pytest.approx(5.0)
    assert out.loc[3, "director_years_since_min"] == pytest.approx(730 / 365.25)
    assert np.isnan(out.loc[0, "director_logrev_mean"])


def test_unknown_people_and_missing_dates_get_no_history():
    films = _films([{"release_date": "2000-01-01", "cast": ["A"], "revenue": 10.0}])
    model = TalentHistory().fit(films)
    new = _films([{"release_date": "2005-01-01", "cast": ["Nobody"], "revenue": np.nan},
                  {"release_date": None, "cast": ["A"], "revenue": np.nan}])
    out = model.transform(new)
    assert out["cast_films_mean"].tolist() == [0, 0]


def test_history_features_are_shares_and_means_never_counts_of_the_list():
    """How many people a source listed measures its coverage: one or three known stars with the
    same record give the same features, and no list at all is unknown (NaN), not zero."""
    films = _films([
        {"release_date": "2000-01-01", "cast": ["A", "B", "C"], "revenue": np.e**5},
        {"release_date": "2005-01-01", "cast": ["A"], "revenue": np.nan},
        {"release_date": "2005-01-01", "cast": ["A", "B", "C"], "revenue": np.nan},
        {"release_date": "2005-01-01", "cast": [], "revenue": np.nan},
    ])
    out = TalentHistory().fit(films).transform(films)
    cast = out.filter(like="cast_").drop(columns="cast_years_since_min")
    pd.testing.assert_series_equal(cast.loc[1], cast.loc[2], check_names=False)
    assert cast.loc[3].isna().all()


def _rewrite_future(films, cutoff):
    """Variants of ``films`` whose rows on/after ``cutoff`` are shuffled, altered or deleted."""
    past = films["release_date"] < cutoff
    rng = np.random.default_rng(0)
    future = films.loc[~past].copy()
    future["revenue"] = future["revenue"].sample(frac=1, random_state=1).to_numpy() * 7
    future["revenue_adj"] = future["revenue"]
    future["rating"] = rng.uniform(0, 10, len(future))
    future["cast"] = future["cast"].sample(frac=1, random_state=2).to_numpy()
    future["keywords"] = future["keywords"].sample(frac=1, random_state=3).to_numpy()
    return [pd.concat([films.loc[past], future]), films.loc[past]]


def _past_changes(make, films, cutoff) -> bool:
    """True if any feature of a film before ``cutoff`` moves when the future is rewritten."""
    cutoff = pd.Timestamp(cutoff)
    past = (films["release_date"] < cutoff).to_numpy()
    base = make().fit(films).transform(films)[past]
    # language levels and keyword topics are learned from the rows given to fit (a forecaster
    # gives its training films only); everything learned from history must not move
    cols = [c for c in base.columns if c != "language" and not c.startswith("kw_topic_")]
    for variant in _rewrite_future(films, cutoff):
        other = make().fit(variant).transform(variant)
        other = other[(variant["release_date"] < cutoff).to_numpy()]
        if not base[cols].reset_index(drop=True).equals(other[cols].reset_index(drop=True)):
            return True
    return False


@pytest.mark.parametrize("cutoff", ["2005-01-01", "2010-06-15", "2014-01-01"])
def test_future_cannot_change_the_past(cutoff):
    """Shuffle, alter or delete every film on/after the cutoff: earlier films' features stay."""
    assert not _past_changes(PreReleaseFeatures, make_market(900, seed=3), cutoff)


class _LookAheadHistory(TalentHistory):
    """A deliberately broken history that also counts films released on or after the row."""

    def transform(self, films):
        far_future = films.assign(release_date=pd.Timestamp("2100-01-01"))
        return super().transform(far_future)


def test_a_lookahead_would_be_caught():
    """The leakage check itself must fail when someone adds a look-ahead."""
    films = make_market(900, seed=3)
    leaky = lambda: PreReleaseFeatures(history=_LookAheadHistory())  # noqa: E731
    assert _past_changes(leaky, films, "2010-06-15")


def test_features_never_read_the_films_own_outcome():
    films = make_market(300, seed=9)
    feats = PreReleaseFeatures().fit(films)
    a = feats.transform(films)
    b = feats.transform(films.assign(revenue=1.0, revenue_adj=1.0, rating=0.0, vote_count=1e9))
    pd.testing.assert_frame_equal(a, b)


def test_keyword_topics_learn_only_from_the_films_given():
    films = make_market(600, seed=4)
    past = films[films["release_date"] < "2008-01-01"]
    a = PreReleaseFeatures().fit(films, topic_films=past).transform(past)
    shuffled = films.assign(keywords=films["keywords"].sample(frac=1, random_state=0).to_numpy())
    shuffled.loc[past.index, "keywords"] = past["keywords"]
    b = PreReleaseFeatures().fit(shuffled, topic_films=past).transform(past)
    topics = [c for c in a.columns if c.startswith("kw_topic_")]
    assert topics
    pd.testing.assert_frame_equal(a[topics], b[topics])
