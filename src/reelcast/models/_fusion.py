"""Fusion operators for two or more modalities, as torch modules.

Each operator maps modality vectors ``x_1 … x_k`` (dims ``d_1 … d_k``) to ``out_dim`` outputs (logits,
or a hidden vector a larger net continues from). With per-modality projections ``U_i: d_i → hidden``
and an output map ``W: hidden → out_dim``:

========  ====================================================  ==========================
name      formula                                               source
========  ====================================================  ==========================
concat    ``W [x_1; …; x_k]``                                   RESEARCH §4
add       ``W (Σ U_i x_i)``                                     RESEARCH §4
multiply  ``W (⊙ U_i x_i)``                                     RESEARCH §4
max       ``W max_i(U_i x_i)``                                  RESEARCH §4
gate      ``W (σ(U_1 x_1) ⊙ Σ_{i>1} U_i x_i)``                  RESEARCH §4 (``W(σ(Ut)⊙Vv)``)
gmu       ``h_i = tanh(U_i x_i)``, ``z = σ(G [x_1; …; x_k])``,   Arevalo et al. 2017
          two modalities ``z h_1 + (1−z) h_2``, more
          ``Σ z_i ⊙ h_i``; then ``W``
========  ====================================================  ==========================

For ``gate`` the first modality gates the others (the text gates the image in the genre net).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from .._errors import InputError

__all__ = ["FUSION_OPERATORS", "Fusion", "make_fusion"]

FUSION_OPERATORS: tuple[str, ...] = ("concat", "add", "multiply", "max", "gate", "gmu")


class Fusion(nn.Module):
    """One fusion operator (see the module docstring); ``forward(*xs)`` takes one tensor per modality.

    Parameters
    ----------
    name : str
        One of :data:`FUSION_OPERATORS`.
    dims : sequence of int
        Input size of each modality (at least two).
    out_dim : int
        Output size.
    hidden : int, optional
        Size of the projected space (default ``max(dims)``; unused by ``concat``).
    dropout : float, default 0.0
        Dropout on the fused vector, before ``W``.

    Attributes
    ----------
    last_gates : torch.Tensor or None
        For ``gmu`` and ``gate``, the gate values of the last forward pass (for inspection).
    """

    def __init__(self, name: str, dims: Sequence[int], out_dim: int, hidden: int | None = None,
                 dropout: float = 0.0) -> None:
        super().__init__()
        dims = [int(d) for d in dims]
        if name not in FUSION_OPERATORS:
            raise InputError(f"fusion must be one of {list(FUSION_OPERATORS)}, got {name!r}")
        if len(dims) < 2 or min(dims) < 1:
            raise InputError(f"fusion needs at least two modalities of positive size, got dims={dims}")
        self.name, self.dims, self.out_dim = name, dims, int(out_dim)
        self.hidden = int(hidden or max(dims))
        self.dropout = nn.Dropout(dropout)
        self.last_gates: torch.Tensor | None = None
        if name == "concat":
            self.out = nn.Linear(sum(dims), self.out_dim)
            return
        self.proj = nn.ModuleList(nn.Linear(d, self.hidden) for d in dims)
        if name == "gmu":
            n_gates = 1 if len(dims) == 2 else len(dims)
            self.gate = nn.Linear(sum(dims), self.hidden * n_gates, bias=False)
        self.out = nn.Linear(self.hidden, self.out_dim)

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        if len(xs) != len(self.dims):
            raise InputError(f"fusion {self.name!r} expects {len(self.dims)} inputs, got {len(xs)}")
        if self.name == "concat":
            return self.out(self.dropout(torch.cat(xs, dim=1)))
        if self.name == "gmu":
            return self.out(self.dropout(self._gmu(xs)))
        projected = [p(x) for p, x in zip(self.proj, xs, strict=True)]
        if self.name == "add":
            fused = torch.stack(projected).sum(0)
        elif self.name == "multiply":
            fused = torch.stack(projected).prod(0)
        elif self.name == "max":
            fused = torch.stack(projected).max(0).values
        else:  # gate: the first modality decides how much of the others passes
            gates = torch.sigmoid(projected[0])
            self.last_gates = gates.detach()
            fused = gates * torch.stack(projected[1:]).sum(0)
        return self.out(self.dropout(fused))

    def _gmu(self, xs) -> torch.Tensor:
        h = [torch.tanh(p(x)) for p, x in zip(self.proj, xs, strict=True)]
        z = torch.sigmoid(self.gate(torch.cat(xs, dim=1)))
        self.last_gates = z.detach()
        if len(h) == 2:
            return z * h[0] + (1 - z) * h[1]
        z = z.view(z.shape[0], len(h), self.hidden)
        return (z * torch.stack(h, dim=1)).sum(1)

    def extra_repr(self) -> str:
        return f"name={self.name!r}, dims={self.dims}, hidden={self.hidden}, out_dim={self.out_dim}"


def make_fusion(name: str, dims: Sequence[int], out_dim: int, hidden: int | None = None,
                dropout: float = 0.0) -> Fusion:
    """Build a fusion operator by name; see :class:`Fusion`.

    Examples
    --------
    >>> fuse = make_fusion("gmu", dims=[128, 512], out_dim=19)
    >>> fuse(torch.zeros(4, 128), torch.zeros(4, 512)).shape
    torch.Size([4, 19])
    """
    return Fusion(name, dims, out_dim, hidden=hidden, dropout=dropout)
