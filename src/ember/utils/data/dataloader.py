"""DataLoader: iterate over a dataset in batches, as ``torch.utils.data.DataLoader``.

ember loads data in the main process only. ``num_workers > 0`` is accepted so that code
written for PyTorch runs, but the samples are still loaded in the main process, one batch
after another, and a UserWarning says so (``worker_init_fn``, ``prefetch_factor``,
``persistent_workers``, ``pin_memory``, ``timeout`` and ``multiprocessing_context`` have no
effect). The batches are the same as PyTorch's with ``num_workers=0``.

>>> import ember
>>> from ember.utils.data import DataLoader, TensorDataset
>>> ds = TensorDataset(ember.arange(10.0).reshape(5, 2), ember.arange(5))
>>> loader = DataLoader(ds, batch_size=2)
>>> len(loader)
3
>>> x, y = next(iter(loader))
>>> x, y
(tensor([[0., 1.],
        [2., 3.]]), tensor([0, 1]))
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

from ._utils.collate import default_collate, default_convert
from .dataset import Dataset, IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info"]


def get_worker_info() -> None:
    """None: ember has no worker processes (code that asks runs as in PyTorch's main process)."""
    return None


class _InfiniteConstantSampler(Sampler[None]):
    """The sampler of an IterableDataset: it yields None forever."""

    def __iter__(self) -> Iterator[None]:
        while True:
            yield None


class DataLoader:
    """Combine a dataset and a sampler, and iterate over batches made by ``collate_fn``.

    Args (as PyTorch's): ``batch_size`` (1; None disables batching), ``shuffle``
    (a ``RandomSampler`` with ``generator``), ``sampler``, ``batch_sampler``, ``collate_fn``
    (``default_collate``, or ``default_convert`` without batching), ``drop_last``. See the
    module docstring for ``num_workers``.
    """

    _UNSETTABLE = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Any = None, batch_sampler: Any = None, num_workers: int = 0,
                 collate_fn: Callable[[list], Any] | None = None, pin_memory: bool = False, drop_last: bool = False,
                 timeout: float = 0, worker_init_fn: Callable[[int], None] | None = None,
                 multiprocessing_context: Any = None, generator: Any = None, *, prefetch_factor: int | None = None,
                 persistent_workers: bool = False, pin_memory_device: str = "", in_order: bool = True) -> None:
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable "
                "multiprocessing, otherwise set prefetch_factor to None."
            )
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if num_workers > 0:
            warnings.warn(
                f"ember.utils.data.DataLoader has no worker processes: num_workers={num_workers} loads the data "
                "in the main process, as num_workers=0 does.",
                UserWarning,
                stacklevel=2,
            )
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        self._is_iterable = isinstance(dataset, IterableDataset)
        if self._is_iterable:
            if shuffle not in (None, False):
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}"
                )
            if batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified batch_sampler option, but got "
                    f"batch_sampler={batch_sampler}"
                )
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"
                )
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"
            )
        if sampler is None:
            if self._is_iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)  # type: ignore[arg-type]
            else:
                sampler = SequentialSampler(dataset)  # type: ignore[arg-type]
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._initialized = True

    def __setattr__(self, attr: str, val: Any) -> None:
        if self.__dict__.get("_initialized") and attr in self._UNSETTABLE:
            raise ValueError(f"{attr} attribute should not be set after {self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self) -> Any:
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self) -> Iterator[Any]:
        collate_fn = self.collate_fn
        if self._is_iterable:
            yield from self._iter_iterable(collate_fn)
            return
        dataset = self.dataset
        if self._auto_collation:
            getitems = getattr(dataset, "__getitems__", None)
            for indices in self.batch_sampler:
                data = getitems(indices) if callable(getitems) else [dataset[i] for i in indices]
                yield collate_fn(data)
        else:
            for index in self.sampler:
                yield collate_fn(dataset[index])

    def _iter_iterable(self, collate_fn: Callable[[Any], Any]) -> Iterator[Any]:
        if not self._auto_collation:
            for item in self.dataset:  # type: ignore[attr-defined]
                yield collate_fn(item)
            return
        batch: list[Any] = []
        for item in self.dataset:  # type: ignore[attr-defined]
            batch.append(item)
            if len(batch) == self.batch_size:
                yield collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield collate_fn(batch)

    def __len__(self) -> int:
        if self._is_iterable:
            length = len(self.dataset)  # type: ignore[arg-type]
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else -(-length // self.batch_size)
            return length
        return len(self._index_sampler)
