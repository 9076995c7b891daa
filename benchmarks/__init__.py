

def load_or_build_corpus(corpus, data):
    """The corpus in ``corpus``, built first from the tables in ``data`` when it is not there."""
    from pathlib import Path

    from reelcast.data import build_corpus, load_corpus

    corpus = Path(corpus)
    if not (corpus / "films.parquet").exists():
        build_corpus(data, corpus)
    return load_corpus(corpus)
