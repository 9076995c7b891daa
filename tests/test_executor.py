"""The execution backend: serial by default, Ray on request, the same results either way.

Tests marked ``ray`` run against the cluster at ``$REELCAST_TEST_RAY_ADDRESS`` (``.ci/run`` starts
one: a head and a second worker node on 127.0.0.1) and skip with a reason without it.
"""

from __future__ import annotations

import json
import operator
import os
import subprocess
import sys
from pathlib import Path

import cloudpickle
import numpy as np
import pandas as pd
import pytest
import torch

from reelcast._errors import InputError, MissingDependencyError
from reelcast._executor import (
    SerialExecutor,
    cap_threads,
    capped_n_jobs,
    check_address,
    current_executor,
    open_executor,
    use_executor,
)
from reelcast.cli import main
from reelcast.copycat._effects import effect_curves
from reelcast.data import make_market
from reelcast.evaluation import MeanBaseline, evaluate
from reelcast.forecast import BoxOfficeForecaster
from reelcast.vision import PosterEmbeddings, PosterFeatures, PretrainedPosterEncoder

SRC = Path(__file__).resolve().parents[1] / "src"
RAY_TEST_ENV = "REELCAST_TEST_RAY_ADDRESS"  # conftest skips the ray tests without it


def _square_plus(x, offset):
    return x * x + offset


class ShuffledPicklingExecutor:
    """Ray's contract without Ray: units run in reverse order on pickled copies of their
    arguments (as a cluster would get them), results handed back in item order."""

    name, workers, threads_per_task = "shuffled", 2, 1

    def map(self, fn, items, *shared):
        items = list(items)
        done = {}
        for i in reversed(range(len(items))):
            fn_copy, item, args = cloudpickle.loads(cloudpickle.dumps((fn, items[i], shared)))
            done[i] = fn_copy(item, *args)
        yield from (done[i] for i in range(len(items)))

    def close(self):
        pass


# ---------------------------------------------------------------- serial default, no Ray needed
def test_serial_is_the_default_and_keeps_order():
    assert isinstance(current_executor(), SerialExecutor)
    assert list(current_executor().map(_square_plus, [3, 1, 2], 10)) == [19, 11, 14]


@pytest.mark.parametrize("address", [None, "", "  "])
def test_no_address_opens_the_serial_executor(address):
    with open_executor(address) as executor:
        assert isinstance(executor, SerialExecutor) and current_executor() is executor


def test_use_executor_is_undone_after_the_block():
    inner = ShuffledPicklingExecutor()
    with use_executor(inner):
        assert current_executor() is inner
    assert isinstance(current_executor(), SerialExecutor)


@pytest.mark.parametrize("address", ["local", "auto", "127.0.0.1:6379", "ray://head:10001",
                                     "node-1.cluster:6380", " 10.0.0.2:6379 "])
def test_ray_addresses_accepted(address):
    assert check_address(address) == address.strip()


@pytest.mark.parametrize("address", ["localhost", "10.0.0.2", "http://head:6379", "a b:1",
                                     "head:port", "head:6379/x"])
def test_bad_ray_address_is_one_line_naming_it(address):
    with pytest.raises(InputError, match=r"^--ray .* is not a Ray address"):
        check_address(address)


def test_ray_missing_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now fails
    with pytest.raises(MissingDependencyError, match=r"reelcast\[ray\]"):
        with open_executor("local"):
            pass


@pytest.mark.parametrize(("n_jobs", "threads", "expected"),
                         [(2, 1, 1), (1, 2, 1), (-1, 1, 1), (0, 2, 2), (4, None, 4),
                          (None, 1, None)])
def test_capped_n_jobs(n_jobs, threads, expected):
    assert capped_n_jobs(n_jobs, threads) == expected


def test_cap_threads_lowers_only_what_asks_for_more():
    assert cap_threads(BoxOfficeForecaster(n_jobs=2), 1).n_jobs == 1
    assert cap_threads(BoxOfficeForecaster(n_jobs=2), None).n_jobs == 2
    assert cap_threads(BoxOfficeForecaster(n_jobs=1), 2).n_jobs == 1
    assert isinstance(cap_threads(MeanBaseline(), 1), MeanBaseline)  # no n_jobs: untouched


def _scores(result) -> dict:
    out = result.to_dict()
    out.pop("fit_seconds")  # wall time, not a result
    return out


@pytest.fixture(scope="module")
def market():
    return make_market(900, seed=3)


MODELS = {"lgbm": lambda: BoxOfficeForecaster(n_estimators=25, random_state=0, n_jobs=1)}
EVAL = dict(rolling_years=(2013, 2016), random=True, scenarios=("full", "core"))


@pytest.fixture(scope="module")
def serial_evaluation(market):
    return evaluate(market, MODELS, **EVAL)


def test_backtest_units_do_not_depend_on_order_or_process(market, serial_evaluation):
    shuffled = evaluate(market, MODELS, executor=ShuffledPicklingExecutor(), **EVAL)
    assert _scores(shuffled) == _scores(serial_evaluation)
    assert list(shuffled.rolling) == ["2013", "2016"]
    pd.testing.assert_frame_equal(shuffled.predictions, serial_evaluation.predictions)


def test_a_command_without_ray_never_imports_it(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    env.pop("REELCAST_RAY_ADDRESS", None)
    code = ("import sys; from reelcast.cli import main; "
            f"code = main(['evaluate', '--market', '500', '--n-estimators', '10', '--no-rolling', "
            f"'--out', {str(tmp_path / 'eval.json')!r}]); "
            "print('ray' in sys.modules, code)")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.stdout.strip().splitlines()[-1] == "False 0", done.stderr[-2000:]


def test_cli_bad_ray_address_is_one_line(capsys):
    assert main(["evaluate", "--market", "300", "--ray", "nowhere"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: --ray 'nowhere' is not a Ray address: give local (a cluster in this "
                   "process), auto, or HOST:PORT of a running cluster"]


# ---------------------------------------------------------------- on a real cluster
@pytest.fixture(scope="module")
def ray_executor():
    from reelcast._ray_executor import RayExecutor

    executor = RayExecutor(os.environ[RAY_TEST_ENV])
    yield executor
    executor.close()


@pytest.mark.ray
def test_ray_map_keeps_order_and_ships_shared_once(ray_executor):
    assert ray_executor.workers >= 2  # the head and the worker node of .ci/run
    items = list(range(20))
    # a library function: the workers import reelcast (the driver's copy), not this test module
    assert list(ray_executor.map(operator.mul, items, np.int64(3))) == [3 * x for x in items]


@pytest.mark.ray
def test_ray_unit_errors_reach_the_caller_as_reelcast_errors(ray_executor):
    with pytest.raises(InputError, match=r"^--ray 'no address' is not a Ray address"):
        list(ray_executor.map(check_address, ["local", "no address", "auto"]))


@pytest.mark.ray
def test_backtest_on_ray_is_identical(market, serial_evaluation, ray_executor):
    on_ray = evaluate(market, MODELS, executor=ray_executor, **EVAL)
    assert _scores(on_ray) == _scores(serial_evaluation)
    pd.testing.assert_frame_equal(on_ray.predictions, serial_evaluation.predictions)


@pytest.fixture(scope="module")
def posters(tmp_path_factory):
    root = tmp_path_factory.mktemp("posters")
    films = make_market(40, seed=5, poster_dir=root, poster_size=(40, 60))
    films.loc[films.index[3], "poster_file"] = None  # a film without a poster
    films.loc[films.index[7], "poster_file"] = "missing.png"  # and an unreadable one
    return films, root


@pytest.mark.ray
@pytest.mark.parametrize("make", [
    lambda root: PretrainedPosterEncoder(weights="random", image_size=64, root=root, batch_size=8),
    # batches of 2: 20 batches, so units of several batches (one unpickled network each)
    lambda root: PosterEmbeddings(weights="random", root=root, batch_size=2),
    lambda root: PosterFeatures(root=root),
], ids=["efficientnet-lite0", "resnet18", "handcrafted"])
def test_poster_embeddings_on_ray_are_identical(posters, ray_executor, make):
    films, root = posters
    serial = make(root).fit(films)
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # as in a Ray task: a CNN's float sums depend on the thread count
    try:
        expected = serial.transform(films)
    finally:
        torch.set_num_threads(before)
    on_ray = make(root).fit(films)
    with use_executor(ray_executor):
        got = on_ray.transform(films)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert on_ray.n_skipped_ == serial.n_skipped_ == 2


def test_poster_batches_do_not_depend_on_order_or_process(posters):
    films, root = posters
    expected = PosterEmbeddings(weights="random", root=root, batch_size=2).fit().transform(films)
    encoder = PosterEmbeddings(weights="random", root=root, batch_size=2).fit()
    with use_executor(ShuffledPicklingExecutor()):
        got = encoder.transform(films)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert encoder.n_skipped_ == 2


@pytest.mark.ray
def test_relative_poster_paths_mean_the_drivers_folder(posters, ray_executor, monkeypatch):
    films, root = posters
    monkeypatch.chdir(root.parent)  # workers start elsewhere: "posters0" must still be found
    encoder = PosterFeatures(root=root.name).fit(films)
    with use_executor(ray_executor):
        got = encoder.transform(films)
    pd.testing.assert_frame_equal(got, PosterFeatures(root=root).fit(films).transform(films),
                                  check_exact=True)
    assert encoder.n_skipped_ == 2


@pytest.mark.ray
def test_copycat_bootstrap_bands_on_ray_are_identical(ray_executor):
    rng = np.random.default_rng(0)

    def frame(n):
        return pd.DataFrame({"copycat_flag": rng.integers(0, 2, n).astype(float),
                             "copycat_n_similar": rng.integers(0, 4, n).astype(float),
                             "copycat_max_sim": rng.uniform(0, 1, n), "budget": rng.normal(size=n)})

    X_train, X_test = frame(200), frame(30)
    y = X_train["budget"] + 0.5 * X_train["copycat_flag"] + rng.normal(scale=0.1, size=200)
    args = dict(n_boot=3, seed=1, progress=False, n_estimators=20, n_jobs=2)
    serial = effect_curves(X_train, y, X_test, **args)
    with use_executor(ray_executor):
        on_ray = effect_curves(X_train, y, X_test, **args)
    assert on_ray == serial


@pytest.mark.ray
def test_cli_evaluate_with_ray_writes_the_same_numbers(tmp_path, ray_executor):
    argv = ["evaluate", "--market", "500", "--n-estimators", "10", "--no-rolling", "--seed", "1"]
    assert main([*argv, "--out", str(tmp_path / "serial.json")]) == 0
    assert main([*argv, "--out", str(tmp_path / "ray.json"),
                 "--ray", os.environ[RAY_TEST_ENV]]) == 0
    serial, on_ray = (json.loads((tmp_path / f"{n}.json").read_text()) for n in ("serial", "ray"))
    serial.pop("fit_seconds"), on_ray.pop("fit_seconds")
    assert on_ray == serial


@pytest.mark.ray
def test_ray_local_starts_a_cluster_in_the_process(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
           "REELCAST_RAY_ADDRESS": "local"}  # the variable stands for --ray
    code = ("import sys; from reelcast.cli import main; "
            f"sys.exit(main(['evaluate', '--market', '500', '--n-estimators', '10', "
            f"'--no-rolling', '--out', {str(tmp_path / 'eval.json')!r}]))")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "running on Ray at local" in done.stderr
    assert json.loads((tmp_path / "eval.json").read_text())["n_test"] > 0
