"""Training across processes: the process group torchrun asks for, and the few collective steps
training needs. Outside a torchrun launch every helper answers as a lone process would."""

import contextlib
import os

import torch
import torch.distributed as dist
from torch import nn


def launched() -> bool:
    """Whether torchrun started this process as one of several (it sets WORLD_SIZE for each)."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def active() -> bool:
    """Whether this process is in an initialised group of more than one."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def rank() -> int:
    """This process's number in the group, 0 (the one that reports and saves) when alone."""
    return dist.get_rank() if active() else 0


def world_size() -> int:
    """How many processes train together, 1 when alone."""
    return dist.get_world_size() if active() else 1


@contextlib.contextmanager
def process_group():
    """Join the group torchrun set up (its address, rank and size come from the environment) for
    the length of the block; a process not launched as one of several runs the block alone."""
    if not launched():
        yield
        return
    dist.init_process_group("gloo")  # gloo: the backend for CPU tensors
    try:
        yield
    finally:
        dist.destroy_process_group()


def wrap(model: nn.Module) -> nn.Module:
    """The model with its gradients averaged over the group after each backward pass."""
    return nn.parallel.DistributedDataParallel(model) if active() else model


def mean(value: float) -> float:
    """The mean of `value` over the group: one number every process agrees on."""
    if not active():
        return value
    total = torch.tensor(value, dtype=torch.float64)
    dist.all_reduce(total)  # a sum, on every process
    return total.item() / world_size()
