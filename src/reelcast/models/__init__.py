"""Model families, one folder each (tabular base models, the stack, poster and genre networks).

``booster_input`` / ``booster_predict``: LightGBM's input matrix built straight from a feature
frame (see ``_lgbm_input``), shared by every LightGBM booster reelcast predicts with.
"""

from ._lgbm_input import booster_input, booster_predict

__all__ = ["booster_input", "booster_predict"]
