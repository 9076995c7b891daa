"""Makes ``benchmarks`` (beside ``src``, not in the package) importable from the benchmark tests,
and holds the tiny forecaster they build their windows' forecasts with."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# seconds, not minutes: the benchmarks' machinery is under test here, not the forecaster
TINY_FRAME_PARAMS = {"n_estimators": 30, "num_leaves": 8, "field_dropout": "none",
                     "keyword_topics": 0, "n_jobs": 1}
