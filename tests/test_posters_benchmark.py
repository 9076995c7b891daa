"""The poster, copycat and multimodal reports say which corpus each (separately re-run) part read."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from benchmarks import _posters_pretrained as pretrained  # noqa: E402
from benchmarks.posters import _corpus_lines  # noqa: E402


def test_each_part_names_its_corpus_and_older_parts_say_v1():
    result = {"part_seconds": {"revenue": 10.0, "genre": 20.0, "embed": 5.0},
              "part_corpus": {"revenue": "/corpus-v2"}}
    line = _corpus_lines(result)[0]
    assert "revenue: `/corpus-v2`" in line
    assert "genre: corpus v1 (before issue #16)" in line
    assert "embed" not in line  # reads posters only, never the corpus
    assert _corpus_lines({"part_seconds": {"embed": 1.0}}) == []


def test_forecaster_section_names_its_corpus_and_the_refit_reference():
    row = {"model": "forecaster's table, no poster PCs (refit on the films)", "r2": 0.7,
           "rmse": 1.8, "mae": 1.3, "poster_r2": 0.75, "poster_rmse": 1.5, "seconds": 3.0}
    p = {"forecaster": {"rows": [row], "corpus": "/corpus-v2", "n_train": 10, "n_test": 5,
                        "n_test_with_poster": 2, "loadavg": "0.1 0.1 0.1"}}
    md = "\n".join(pretrained.markdown({"pretrained": p}))
    assert "Corpus: `/corpus-v2`" in md
    assert "| forecaster's table, no poster PCs (refit on the films) | 0.7000 |" in md
    del p["forecaster"]["corpus"]
    assert "corpus v1 (before issue #16)" in "\n".join(pretrained.markdown({"pretrained": p}))


def test_every_section_labels_its_corpus_the_same_way():
    """Copycat, multimodal, the Lite0 forecaster table and the poster parts share one label."""
    from benchmarks import corpus_label

    assert corpus_label("/corpus-v2") == "`/corpus-v2`"
    assert corpus_label(None) == "corpus v1 (before issue #16)"


def test_pretrained_section_reads_its_baseline_epochs_and_loads_from_the_results():
    p = {"revenue": [{"model": "published head on frozen Lite0", "epochs": 8},
                     {"model": "Lite0 blocks 13–15 fine-tuned", "epochs": 11}],
         "genre": [{"note": "Lite0 top blocks fine-tuned", "epochs": "4 (budget)"}],
         "load_at_end": {"genre": "1.00 1.00 1.08"}}
    assert pretrained._finetune_epochs(p) == "4–11"
    assert pretrained._loads(p) == "revenue: not recorded; genre: `1.00 1.00 1.08`"
    result = {"revenue": [{"split": "random (published protocol)", "model": "mean of training",
                           "mse_log10": 0.2224},
                          {"split": "temporal", "model": "mean of training", "mse_log10": 0.37}]}
    assert pretrained._mean_baseline(result) == "0.2224"
    assert pretrained._mean_baseline({}) == "not run"
