"""Fusion operators: shapes for two and three modalities, the published formulas, gradients."""

from __future__ import annotations

import pytest
import torch

from reelcast._errors import InputError
from reelcast.models._fusion import FUSION_OPERATORS, make_fusion


@pytest.mark.parametrize("name", FUSION_OPERATORS)
@pytest.mark.parametrize("dims", [[4, 6], [4, 6, 3]])
def test_shapes_and_gradients(name, dims):
    torch.manual_seed(0)
    fuse = make_fusion(name, dims, out_dim=5, hidden=8)
    xs = [torch.randn(7, d, requires_grad=True) for d in dims]
    out = fuse(*xs)
    assert out.shape == (7, 5)
    out.square().sum().backward()
    for p in fuse.parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all()
    assert all(x.grad is not None and x.grad.abs().sum() > 0 for x in xs)


def _reference(name, fuse, t, v):
    if name == "concat":
        return fuse.out(torch.cat([t, v], 1))
    ut, vv = fuse.proj[0](t), fuse.proj[1](v)
    fused = {
        "add": ut + vv,
        "multiply": ut * vv,
        "max": torch.maximum(ut, vv),
        "gate": torch.sigmoid(ut) * vv,
    }.get(name)
    if name == "gmu":
        z = torch.sigmoid(fuse.gate(torch.cat([t, v], 1)))
        fused = z * torch.tanh(ut) + (1 - z) * torch.tanh(vv)
    return fuse.out(fused)


@pytest.mark.parametrize("name", FUSION_OPERATORS)
def test_two_modality_formulas(name):
    torch.manual_seed(1)
    fuse = make_fusion(name, [3, 5], out_dim=2, hidden=4).eval()
    t, v = torch.randn(6, 3), torch.randn(6, 5)
    assert torch.allclose(fuse(t, v), _reference(name, fuse, t, v), atol=1e-6)


def test_gmu_gates_are_in_unit_interval_and_recorded():
    fuse = make_fusion("gmu", [3, 5, 2], out_dim=2, hidden=4)
    fuse(torch.randn(4, 3), torch.randn(4, 5), torch.randn(4, 2))
    assert fuse.last_gates.shape == (4, 12)
    assert ((fuse.last_gates > 0) & (fuse.last_gates < 1)).all()


def test_concat_ignores_hidden():
    fuse = make_fusion("concat", [3, 5], out_dim=2, hidden=99)
    assert fuse.out.in_features == 8


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("sum", [3, 5], 2), "fusion must be one of"),
        (("add", [3], 2), "at least two modalities"),
        (("add", [3, 0], 2), "at least two modalities"),
    ],
)
def test_bad_arguments(args, match):
    with pytest.raises(InputError, match=match):
        make_fusion(*args)


def test_wrong_number_of_inputs():
    with pytest.raises(InputError, match="expects 2 inputs, got 1"):
        make_fusion("add", [3, 5], 2)(torch.zeros(1, 3))
