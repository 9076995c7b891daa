

def corpus_label(path: str | None) -> str:
    """How a report names the corpus a saved run read: its path, or corpus v1 for a run saved
    before the path was recorded (corpus v2 came with issue #16)."""
    return f"`{path}`" if path else "corpus v1 (before issue #16)"


def load_or_build_corpus(corpus, data):
    """The corpus in ``corpus``, built first from the tables in ``data`` when it is not there."""
    from pathlib import Path

    from reelcast.data import build_corpus, load_corpus

    corpus = Path(corpus)
    if not (corpus / "films.parquet").exists():
        build_corpus(data, corpus)
    return load_corpus(corpus)
