"""The training loop, readable in one screen: shuffled mini-batches, MSE, keep the best epoch."""

from __future__ import annotations

import contextlib
import copy

import torch
from torch import nn

__all__ = ["train_epochs", "evaluate", "torch_threads"]


@contextlib.contextmanager
def torch_threads(n: int):
    """Cap torch's intra-op threads while training (the machine is shared); restore after."""
    before = torch.get_num_threads()
    torch.set_num_threads(max(1, int(n)))
    try:
        yield
    finally:
        torch.set_num_threads(before)


@torch.no_grad()
def evaluate(net: nn.Module, numeric, codes, y=None, batch_size: int = 4096):
    """Predictions (and the MSE when ``y`` is given) in eval mode."""
    net.eval()
    out = torch.cat([
        net(numeric[i:i + batch_size], codes[i:i + batch_size])
        for i in range(0, len(numeric), batch_size)
    ]) if len(numeric) else torch.zeros(0)
    if y is None:
        return out
    return out, float(torch.mean((out - y) ** 2))


def train_epochs(
    net: nn.Module,
    train: tuple,
    valid: tuple | None,
    *,
    learning_rate: float,
    weight_decay: float,
    batch_size: int,
    epochs: int,
    patience: int | None,
    seed: int,
) -> int:
    """Train ``net`` in place; return the number of epochs whose weights it ends with.

    With ``valid``, the weights of the epoch with the lowest validation MSE are restored and
    training stops after ``patience`` epochs without improvement. Without it, all ``epochs``
    run.
    """
    numeric, codes, y = train
    generator = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.AdamW(net.parameters(), lr=learning_rate, weight_decay=weight_decay)
    best_loss, best_epoch, best_state = float("inf"), epochs, None
    for epoch in range(1, epochs + 1):
        net.train()
        order = torch.randperm(len(y), generator=generator)
        for start in range(0, len(y), batch_size):
            idx = order[start:start + batch_size]
            loss = torch.mean((net(numeric[idx], codes[idx]) - y[idx]) ** 2)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
        if valid is None:
            continue
        _, val_loss = evaluate(net, *valid)
        if val_loss < best_loss - 1e-6:
            best_loss, best_epoch = val_loss, epoch
            best_state = copy.deepcopy(net.state_dict())
        elif patience is not None and epoch - best_epoch >= patience:
            break
    if best_state is not None:
        net.load_state_dict(best_state)
    return best_epoch
