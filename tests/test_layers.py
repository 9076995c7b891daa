"""Data flows one way: every import in ``src/reelcast`` points down the floors, never up.

An ``ast`` walk over every module (imports inside functions and ``TYPE_CHECKING`` blocks count:
an import hidden in a function is still a dependency) maps each module to its floor:

0. ground — ``reelcast`` itself and its top-level private modules (``_errors``, ``_io``,
   ``_progress``, ``_cache``, ``_artifact``): tools that know nothing about films.
1. corpus — ``reelcast.data``: the source readers, the canonical schema, the corpus, the target
   (``log_revenue``) and the synthetic market.
2. features — ``features``, ``text`` and ``vision`` (feature builders: films in, numeric frames
   out), ``evaluation`` (splits, folds, metrics and baselines that read the corpus and no model)
   and ``fetch`` (the TMDB client; it maps remote records onto the corpus schema).
3. models — ``models`` (every learnable family, the box-office forecaster included) and
   ``copycat`` (an as-of index built from text, poster and metadata features).
4. products — ``forecast``: a forecast of one film or a table, with intervals, explanations,
   rating and genres, saved model directories and the evaluation report.
5. service — ``serve``, the web service.
6. commands — ``cli`` (its ``serve`` command starts the service) and ``demo``.
7. entry point — ``__main__`` (``python -m reelcast`` runs the CLI).

A module imports its own package and lower floors only: two packages on one floor never import
each other, so no cycle can form on a floor. The ground floor is the exception: its few modules
are tools that may use each other (``_artifact`` writes JSON with ``_io``). Across packages only public names are used: a
``_private`` module or name belongs to the package that holds it and its subpackages.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

FLOORS: tuple[tuple[str, frozenset[str]], ...] = (
    ("ground", frozenset({"reelcast", "reelcast._errors", "reelcast._io", "reelcast._progress",
                          "reelcast._cache", "reelcast._artifact", "reelcast.resources"})),
    ("corpus", frozenset({"reelcast.data"})),
    ("features", frozenset({"reelcast.features", "reelcast.text", "reelcast.vision",
                            "reelcast.evaluation", "reelcast.fetch"})),
    ("models", frozenset({"reelcast.models", "reelcast.copycat"})),
    ("products", frozenset({"reelcast.forecast"})),
    ("service", frozenset({"reelcast.serve"})),
    ("commands", frozenset({"reelcast.cli", "reelcast.demo"})),
    ("entry point", frozenset({"reelcast.__main__"})),
)

# imports that break a rule and are still to be moved; the goal is an empty list (each entry:
# "importer -> imported")
KNOWN_VIOLATIONS: frozenset[str] = frozenset({
    "reelcast.cli._corpus -> reelcast.data._corpus_io:read_coverage",
    "reelcast.cli._corpus -> reelcast.data._corpus_io:read_era_coverage",
    "reelcast.cli._corpus -> reelcast.data._coverage:era_markdown",
    "reelcast.cli._corpus -> reelcast.data._coverage:print_coverage",
    "reelcast.cli._fetch -> reelcast.vision._image:load_image_bytes",
    "reelcast.cli._forecast -> reelcast.forecast._one_film:attach_product_files",
    "reelcast.cli._forecast -> reelcast.forecast._one_film:forecast_film",
    "reelcast.cli._forecast -> reelcast.vision._image:load_image_bytes",
    "reelcast.cli._forecast -> reelcast.vision._image:read_image_file",
    "reelcast.cli._model -> reelcast.forecast._input:read_new_films",
    "reelcast.cli._model -> reelcast.forecast._intervals:load_intervals",
    "reelcast.cli._predict_table -> reelcast.forecast._fields:field_report",
    "reelcast.cli._predict_table -> reelcast.forecast._fields:supplied_fields",
    "reelcast.cli._predict_table -> reelcast.forecast._one_film:interval_columns",
    "reelcast.cli._predict_table -> reelcast.forecast._readable:money",
    "reelcast.cli._render -> reelcast.forecast._fields:FIELD_LABELS",
    "reelcast.cli._render -> reelcast.forecast._fields:describe_left_out",
    "reelcast.cli._render -> reelcast.forecast._readable:money",
    "reelcast.cli._report -> reelcast.forecast._report:evaluation_report",
    "reelcast.cli._report -> reelcast.forecast._report:render_report",
    "reelcast.cli._vision -> reelcast.forecast._genres:poster_vector",
    "reelcast.cli._vision -> reelcast.forecast._one_film:load_product_model",
    "reelcast.copycat._verdict -> reelcast.data._schema:GENRES",
    "reelcast.demo -> reelcast.forecast._input:read_new_films",
    "reelcast.features._metadata -> reelcast.data._cpi:to_2017_dollars",
    "reelcast.features._metadata -> reelcast.data._schema:GENRES",
    "reelcast.fetch._tmdb_mapping -> reelcast.data._schema:GENRES",
    "reelcast.fetch._tmdb_mapping -> reelcast.data._schema:GENRE_ALIASES",
    "reelcast.forecast._input -> reelcast.data._certification:ACCEPTED_TEXT",
    "reelcast.forecast._input -> reelcast.data._certification:min_age",
    "reelcast.forecast._input -> reelcast.data._certification:normalise_certification",
    "reelcast.forecast._input -> reelcast.data._schema:FILM_COLUMNS",
    "reelcast.forecast._input -> reelcast.data._schema:GENRES",
    "reelcast.forecast._input -> reelcast.data._schema:GENRE_ALIASES",
    "reelcast.models._train_loop -> reelcast.vision._progress:progress_bar",
    "reelcast.models.anime._input -> reelcast.data._schema:ANIME_COLUMNS",
    "reelcast.models.genre._estimator -> reelcast.data._schema:GENRES",
    "reelcast.models.genre._estimator -> reelcast.models.poster_revenue._estimator:validation_split",
    "reelcast.models.genre._estimator -> reelcast.text._minilm:MiniLMEncoder",
    "reelcast.models.genre._estimator -> reelcast.vision._cnn_embedder:PosterEmbeddings",
    "reelcast.models.genre._estimator -> reelcast.vision._pixels:check_image_size",
    "reelcast.models.genre._estimator -> reelcast.vision._pixels:poster_pixels",
    "reelcast.models.genre._estimator -> reelcast.vision._poster_features:PosterFeatures",
    "reelcast.models.genre._estimator -> reelcast.vision._pretrained:PretrainedPosterEncoder",
    "reelcast.models.genre._estimator -> reelcast.vision._resnet:find_local_weights",
    "reelcast.models.genre._estimator -> reelcast.vision._resnet:resnet",
    "reelcast.models.genre._model -> reelcast.vision._pixels:normalize_pixels",
    "reelcast.models.multimodal._stacking -> reelcast.models.stack._folds:TimeOrderedFolds",
    "reelcast.models.poster_revenue._estimator -> reelcast.vision._pixels:check_image_size",
    "reelcast.models.poster_revenue._estimator -> reelcast.vision._pixels:normalize_pixels",
    "reelcast.models.poster_revenue._estimator -> reelcast.vision._pixels:poster_pixels",
    "reelcast.models.poster_revenue._estimator -> reelcast.vision._resnet:ARCHITECTURES",
    "reelcast.models.poster_revenue._estimator -> reelcast.vision._resnet:find_local_weights",
    "reelcast.models.poster_revenue._estimator -> reelcast.vision._resnet:load_weights",
    "reelcast.models.poster_revenue._estimator -> reelcast.vision._resnet:resnet",
    "reelcast.models.stack._films -> reelcast.features._differences:TemporalDifferences",
    "reelcast.models.stack._stacker -> reelcast.models.tabular._base:ModelNotFittedError",
    "reelcast.models.stack._stacker -> reelcast.models.tabular._base:validate_columns",
    "reelcast.serve._app -> reelcast.forecast._input:read_new_films",
    "reelcast.serve._app -> reelcast.forecast._one_film:forecast_batch",
    "reelcast.serve._app -> reelcast.forecast._one_film:forecast_film",
    "reelcast.serve._app -> reelcast.forecast._one_film:load_product_model",
    "reelcast.serve._app -> reelcast.vision._image:load_image_bytes",
    "reelcast.serve._charts -> reelcast.forecast._readable:money",
    "reelcast.serve._form -> reelcast.data._certification:CERTIFICATION_LABELS",
    "reelcast.serve._form -> reelcast.data._schema:GENRES",
    "reelcast.serve._page -> reelcast.forecast._fields:FIELD_LABELS",
    "reelcast.serve._page -> reelcast.forecast._fields:describe_left_out",
    "reelcast.serve._page -> reelcast.forecast._readable:money",
    "reelcast.text._minilm -> reelcast.vision._embeddings:EmbeddingCache",
    "reelcast.text._minilm -> reelcast.vision._embeddings:text_key",
    "reelcast.text._minilm -> reelcast.vision._progress:progress_bar",
})


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _package(name: str) -> list[str]:
    """The package a module's relative imports start from."""
    parts = name.split(".")
    return parts if MODULES[name].name == "__init__.py" else parts[:-1]


def imports(name: str) -> list[tuple[str, int]]:
    """Every ``reelcast`` module ``name`` imports (names that are submodules count as modules),
    with the line of the import."""
    found = []
    for node in ast.walk(ast.parse(MODULES[name].read_text(), filename=str(MODULES[name]))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package(name)[: len(_package(name)) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.append((submodule if submodule in MODULES else
                              f"{target}:{alias.name}", node.lineno))
    return [(t, line) for t, line in found if t.split(".")[0].split(":")[0] == "reelcast"]


def floor_of(module: str) -> tuple[int, str]:
    """(floor number, the package that places it) for a module or ``module:name``."""
    module = module.split(":")[0]
    best = None
    for number, (_, packages) in enumerate(FLOORS):
        for package in packages:
            if (module == package or module.startswith(package + ".")) and (
                    best is None or len(package) > len(best[1])):
                best = (number, package)
    if best is None:
        raise AssertionError(f"{module} is on no floor: add its package to FLOORS in {__file__}")
    return best


def private_owner(target: str) -> str | None:
    """The package a private module or name belongs to, or None for a public one."""
    dotted = target.replace(":", ".").split(".")
    for i, part in enumerate(dotted):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(dotted[:i])
    return None


def import_graph() -> dict[str, list[tuple[str, str]]]:
    """{module: [(imported module or ``module:name``, "file:line"), ...]} for the whole tree."""
    return {name: [(target, f"{MODULES[name].relative_to(SRC)}:{line}")
                   for target, line in imports(name)] for name in MODULES}


def violations(graph: dict[str, list[tuple[str, str]]]) -> list[str]:
    found = []
    for name, edges in graph.items():
        floor, package = floor_of(name)
        for target, where in edges:
            edge = f"{name} -> {target}"
            target_floor, target_package = floor_of(target)
            if target_package != package and target_floor >= floor and target_floor > 0:
                kind = "upward" if target_floor > floor else "sideways"
                found.append(f"{edge} ({kind}: {FLOORS[floor][0]} imports "
                             f"{FLOORS[target_floor][0]}) at {where}")
            owner = private_owner(target)
            if owner is not None and not (name == owner or name.startswith(owner + ".")):
                found.append(f"{edge} (private to {owner}) at {where}")
    return found


def test_every_module_is_on_a_floor():
    assert len(MODULES) > 100
    for name in MODULES:
        floor_of(name)


def test_imports_point_down_and_use_public_names():
    left = [v for v in violations(import_graph()) if v.split(" (")[0] not in KNOWN_VIOLATIONS]
    assert not left, f"{len(left)} imports break the layering:\n" + "\n".join(left)


def test_the_known_violations_are_still_there():
    # a fixed import leaves the list, so the list only shrinks
    edges = {v.split(" (")[0] for v in violations(import_graph())}
    assert KNOWN_VIOLATIONS <= edges, sorted(KNOWN_VIOLATIONS - edges)


@pytest.mark.parametrize("importer, target, message", [
    ("reelcast.models.x", "reelcast.forecast", "upward"),
    ("reelcast.text._a", "reelcast.vision", "sideways"),
    ("reelcast.forecast._a", "reelcast.models.stack._folds", "private to reelcast.models.stack"),
    ("reelcast.forecast._a", "reelcast.evaluation:_helper", "private to reelcast.evaluation"),
])
def test_the_check_catches(importer, target, message):
    # the rules themselves, on made-up modules: a check that cannot fail proves nothing
    assert any(message in v for v in violations({importer: [(target, "fake.py:1")]}))


@pytest.mark.parametrize("importer, target", [
    ("reelcast.models.genre._estimator", "reelcast.models._train_loop"),  # inside models
    ("reelcast.forecast._a", "reelcast.models.stack"),
    ("reelcast.cli._a", "reelcast._errors"),
    ("reelcast.forecast._a", "reelcast:__version__"),
])
def test_the_check_allows(importer, target):
    assert violations({importer: [(target, "fake.py:1")]}) == []
