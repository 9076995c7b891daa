"""The copycat study: does resembling a recent hit pay? (RESEARCH.md §2, issue #7).

``CopycatIndex`` builds as-of copycat features; ``run_study`` measures their importance, effect
curves, the regression verdict and its sensitivity; ``write_report`` renders HTML + JSON.
"""

from ._index import FEATURES, FRANCHISE_FEATURES, CopycatIndex
from ._report import render_html, write_report
from ._study import StudyConfig, run_study, verdict_lines
from ._verdict import (
    DEFAULT_GRID,
    MEASURES,
    analysis_frame,
    copycat_regressions,
    sensitivity,
    similarity_robustness,
)

__all__ = [
    "CopycatIndex",
    "DEFAULT_GRID",
    "FEATURES",
    "FRANCHISE_FEATURES",
    "MEASURES",
    "StudyConfig",
    "analysis_frame",
    "copycat_regressions",
    "render_html",
    "run_study",
    "sensitivity",
    "similarity_robustness",
    "verdict_lines",
    "write_report",
]
