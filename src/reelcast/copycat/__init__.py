"""The copycat study: does resembling a recent hit pay? (RESEARCH.md §2, issue #7)."""

from ._index import FEATURES, FRANCHISE_FEATURES, CopycatIndex

__all__ = ["CopycatIndex", "FEATURES", "FRANCHISE_FEATURES"]
