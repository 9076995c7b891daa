"""Keyword topics: learned from keyword lists, unknown (NaN) for a film without any."""

import numpy as np
import pandas as pd

from reelcast.features import KeywordTopics


def _films(keywords):
    return pd.DataFrame({"keywords": keywords})


def test_topics_for_known_keywords_and_nan_without():
    films = _films([["heist", "paris"], ["heist"], ["space", "alien"], ["alien"], []] * 4)
    topics = KeywordTopics(n_components=2, min_df=2).fit(films).transform(films)
    assert topics.shape == (20, 2)
    assert topics.iloc[:4].notna().all().all()
    assert topics.iloc[4].isna().all()


def test_a_catalogue_without_keywords_trains_and_gives_unknown_topics():
    # a user's own films without any keyword (or none listed often enough) must still train
    films = _films([[] for _ in range(10)] + [["rare"]])
    model = KeywordTopics(n_components=3, min_df=2).fit(films)
    topics = model.transform(_films([["rare"], []]))
    assert topics.shape == (2, 3) and topics.isna().all().all()
    back = KeywordTopics.from_state(model.state(), n_components=3, min_df=2)
    assert back.transform(_films([["rare"]])).isna().all().all()
    assert np.asarray(back.components_).shape == (3, 0)
