"""``--calib-start / --calib-end``: the calibration window of ``train`` and ``calibrate``."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["CalibEnd", "CalibStart"]

CalibStart = Annotated[str | None, typer.Option(
    help="First day of the intervals' calibration window (default: two years before its end).")]
CalibEnd = Annotated[str | None, typer.Option(
    help="Day after the calibration window (default: the day after the latest training film "
         "with budget and revenue, so the band is calibrated on the most recent films).")]
