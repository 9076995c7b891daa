"""The nanoGPT-small training loop: pure schedules, determinism, checkpoints, early stopping."""

from __future__ import annotations

import json

import pytest
import torch
from torch import nn

from reelcast._errors import ArtifactError, InputError
from reelcast.models._train_loop import (
    PlateauState,
    TrainConfig,
    batches,
    cosine_lr,
    estimate_loss,
    load_checkpoint,
    plateau_step,
    train,
)


def _data(n=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, generator=g)
    y = x @ torch.tensor([1.0, -2.0, 0.5]) + 0.1 * torch.randn(n, generator=g)
    return x, y


def _loss(model, batch):
    x, y = batch
    return nn.functional.mse_loss(model(x).squeeze(-1), y)


def _model(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Dropout(0.1), nn.Linear(8, 1))


def test_plateau_step_matches_torch():
    losses = [1.0, 0.9, 0.95, 0.96, 0.97, 0.97, 0.8, 0.85, 0.9, 0.91, 0.92]
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=1.0)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=2)
    state = PlateauState(lr=1.0)
    for loss in losses:
        sched.step(loss)
        state = plateau_step(state, loss, factor=0.5, patience=2)
        assert state.lr == pytest.approx(opt.param_groups[0]["lr"])


@pytest.mark.parametrize(("epoch", "expected"), [(0, 0.5), (1, 1.0), (6, 0.5), (11, 0.0), (20, 0.0)])
def test_cosine_lr(epoch, expected):
    config = TrainConfig(lr=1.0, max_epochs=11, warmup_epochs=1, schedule="cosine")
    assert cosine_lr(epoch, config) == pytest.approx(expected)


def test_batches_cover_every_row_once_and_depend_on_seed_only():
    data = (torch.arange(10), torch.arange(10) * 2)
    got = torch.cat([b[0] for b in batches(data, 3, shuffle=True, seed=5)])
    assert sorted(got.tolist()) == list(range(10))
    again = torch.cat([b[0] for b in batches(data, 3, shuffle=True, seed=5)])
    assert torch.equal(got, again)
    assert all(torch.equal(b[1], b[0] * 2) for b in batches(data, 4, shuffle=True, seed=1))
    assert len(list(batches(data, 3, limit=2))) == 2


def test_training_is_deterministic_and_leaves_global_rng_alone():
    x, y = _data()
    config = TrainConfig(lr=1e-2, batch_size=16, max_epochs=5, seed=3)
    a, b = _model(), _model()
    before = torch.random.get_rng_state()
    ra = train(a, _loss, (x[:48], y[:48]), (x[48:], y[48:]), config)
    rb = train(b, _loss, (x[:48], y[:48]), (x[48:], y[48:]), config)
    assert torch.equal(torch.random.get_rng_state(), before)
    assert ra.history == [dict(h, seconds=ra.history[i]["seconds"]) for i, h in enumerate(rb.history)]
    assert all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values(), strict=True))
    assert ra.history[-1]["train_loss"] < ra.history[0]["train_loss"]


def test_checkpoint_holds_best_weights_and_config(tmp_path):
    x, y = _data()
    config = TrainConfig(lr=1e-2, batch_size=16, max_epochs=4)
    model = _model()
    result = train(model, _loss, (x[:48], y[:48]), (x[48:], y[48:]), config,
                   checkpoint_dir=tmp_path / "ckpt", extra_config={"task": "demo"})
    state, saved = load_checkpoint(tmp_path / "ckpt")
    assert saved["train"] == config.to_dict() and saved["task"] == "demo"
    assert saved["epoch"] == result.best_epoch
    assert json.loads((tmp_path / "ckpt" / "config.json").read_text())["val_loss"] == pytest.approx(result.best_val_loss)
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())
    assert estimate_loss(model, _loss, (x[48:], y[48:])) == pytest.approx(result.best_val_loss, rel=1e-5)
    fresh = _model(seed=9)  # fine-tuning starts from the checkpoint
    fresh.load_state_dict(state)
    assert estimate_loss(fresh, _loss, (x[48:], y[48:])) == pytest.approx(result.best_val_loss, rel=1e-5)


def test_early_stopping_and_time_budget():
    x, y = _data()
    noise = torch.randn(64)  # nothing to learn: validation stops improving quickly
    config = TrainConfig(lr=5e-2, batch_size=16, max_epochs=200, patience=2)
    result = train(_model(), _loss, (x[:48], noise[:48]), (x[48:], noise[48:]), config)
    assert result.stopped == "early_stopping" and result.epochs_run < 200
    assert result.epochs_run == result.best_epoch + 1 + 2
    budget = TrainConfig(max_epochs=50, max_seconds=0.0)
    assert train(_model(), _loss, (x, y), (x, y), budget).stopped == "time_budget"


@pytest.mark.parametrize(
    ("field", "value"),
    [("lr", 0.0), ("batch_size", 0), ("max_epochs", 0), ("patience", 0), ("schedule", "step"),
     ("plateau_factor", 1.5), ("weight_decay", -1.0)],
)
def test_bad_config(field, value):
    with pytest.raises(InputError, match=f"TrainConfig.{field}"):
        TrainConfig(**{field: value})


def test_config_round_trip_and_unknown_fields():
    config = TrainConfig(lr=1e-3, seed=4)
    assert TrainConfig.from_dict(config.to_dict()) == config
    with pytest.raises(InputError, match="no field"):
        TrainConfig.from_dict({"learning_rate": 1.0})


def test_missing_checkpoint(tmp_path):
    with pytest.raises(ArtifactError, match="model.safetensors missing"):
        load_checkpoint(tmp_path)


def test_without_validation_every_epoch_runs_and_the_last_weights_stay():
    # a refit on every row for a number of epochs chosen earlier: nothing to stop on
    x, y = _data()
    config = TrainConfig(lr=1e-2, max_epochs=5, patience=1, schedule="plateau", seed=3)
    model = _model()
    result = train(model, _loss, (x, y), None, config)
    assert (result.epochs_run, result.best_epoch, result.stopped) == (5, 4, "max_epochs")
    assert [h["lr"] for h in result.history] == [1e-2] * 5  # no loss, so no plateau step
    again = _model()
    train(again, _loss, (x, y), None, config)
    for a, b in zip(model.state_dict().values(), again.state_dict().values(), strict=True):
        assert torch.equal(a, b)  # seeded: the same run twice gives the same weights
    fewer = _model()
    train(fewer, _loss, (x, y), None, TrainConfig(lr=1e-2, max_epochs=4, seed=3))
    assert not torch.equal(fewer[0].weight, model[0].weight)  # the fifth epoch counts
