"""reelcast."""
