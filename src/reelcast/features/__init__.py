"""Corpus → features: pre-release feature blocks, each an sklearn transformer on DataFrames."""

from ._differences import TemporalDifferences
from ._history import DEFAULT_ROLES, TalentHistory
from ._keywords import KeywordTopics
from ._metadata import CERTIFICATIONS, MetadataFeatures
from ._prerelease import BUDGET_DIRECTIONS, FORBIDDEN_INPUTS, PreReleaseFeatures

__all__ = [
    "BUDGET_DIRECTIONS",
    "CERTIFICATIONS",
    "DEFAULT_ROLES",
    "FORBIDDEN_INPUTS",
    "KeywordTopics",
    "MetadataFeatures",
    "PreReleaseFeatures",
    "TalentHistory",
    "TemporalDifferences",
]
