"""Model families, one folder each (tabular base models, the stack, poster and genre networks)."""
