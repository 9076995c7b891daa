"""AutoGluon-Tabular side of ``benchmarks.stack``, run in its own interpreter (``.venv-bench``).

AutoGluon 1.6 pins older pyarrow/dateutil than reelcast's environment, so it lives in a separate
virtualenv; ``benchmarks/stack.py`` writes the training and test tables to parquet, runs this
script with that interpreter, and reads back one JSON file:

    python benchmarks/_stack_autogluon.py TRAIN.parquet TEST.parquet LABEL TIME_LIMIT OUT.json

The JSON holds the test predictions, the fit wall-clock seconds, predict latency for 1 and
10,000 rows (medians), the leaderboard and AutoGluon's version. Nothing here imports reelcast.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # 2 shared cores: no OpenMP spin-waiting

# best_quality turns on dynamic stacking, a sub-fit on 25% of the budget that decides whether to
# stack. Under a ~940 s budget on 2 cores it overran and the main fit then aborted ("Not enough
# time left ... Time remaining: -57s"), twice. AutoGluon's own hint after DyStack is to skip it
# with the level it chose; on this table it chose one stack level, so the whole budget goes to
# the main fit with that level.
FIT_ARGS = {"dynamic_stacking": False, "num_stack_levels": 1}


def main(argv: list[str]) -> int:
    import pandas as pd
    from autogluon.tabular import TabularPredictor, __version__

    train_path, test_path, label, time_limit, out_path = argv[:5]
    repeats = int(argv[5]) if len(argv) > 5 else 5
    train = pd.read_parquet(train_path)
    test = pd.read_parquet(test_path)
    with tempfile.TemporaryDirectory(prefix="ag-stack-") as tmp:
        start = time.perf_counter()
        predictor = TabularPredictor(label=label, problem_type="regression",
                                     eval_metric="root_mean_squared_error", path=tmp,
                                     verbosity=1)
        predictor.fit(train, presets="best_quality", time_limit=float(time_limit), num_cpus=2,
                      num_gpus=0, **FIT_ARGS)
        fit_seconds = time.perf_counter() - start
        features = test.drop(columns=[label], errors="ignore")
        pred = predictor.predict(features)
        big = features.sample(n=10_000, replace=True, random_state=0)
        latency = {}
        for name, frame in (("1", features.head(1)), ("10000", big)):
            runs = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                predictor.predict(frame)
                runs.append(time.perf_counter() - t0)
            latency[name] = statistics.median(runs)
        board = predictor.leaderboard(silent=True)
        result = {
            "version": __version__,
            "fit_seconds": fit_seconds,
            "time_limit": float(time_limit),
            "fit_args": {"presets": "best_quality", **FIT_ARGS},
            "predict_seconds": latency,
            "predictions": [float(v) for v in pred.to_numpy()],
            "best_model": predictor.model_best,
            "leaderboard": board[["model", "score_val", "fit_time"]].head(15).to_dict("records"),
            "n_train": len(train),
            "n_test": len(test),
        }
    with open(out_path, "w") as fh:
        json.dump(result, fh, default=str)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
