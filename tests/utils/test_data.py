"""ember.utils.data against torch.utils.data: batches (shapes, dtypes, contents) with
shuffle=False, permutation properties with shuffle, datasets, samplers, collate."""

from __future__ import annotations

import collections
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import ember
import ember.utils.data as edata


def _same(e, t):
    """An ember batch equals a torch batch: same structure, types, dtypes, shapes and values."""
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), type(e)
        assert str(e.dtype).split(".")[1] == str(t.dtype).split(".")[1]
        assert tuple(e.shape) == tuple(t.shape)
        np.testing.assert_array_equal(e._data, t.numpy())
    elif isinstance(t, dict):
        assert type(e) is type(t) and list(e) == list(t)
        for k in t:
            _same(e[k], t[k])
    elif isinstance(t, (list, tuple)):
        assert type(e).__name__ == type(t).__name__ and len(e) == len(t)
        for a, b in zip(e, t, strict=True):
            _same(a, b)
    else:
        assert e == t


def _datasets(n=10):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n, dtype=np.int64) % 3
    return edata.TensorDataset(ember.tensor(x), ember.tensor(y)), tdata.TensorDataset(torch.tensor(x), torch.tensor(y))


@pytest.mark.parametrize("kwargs", [
    {}, {"batch_size": 3}, {"batch_size": 3, "drop_last": True}, {"batch_size": 4}, {"batch_size": None},
    {"batch_size": 10}, {"batch_size": 32},
])
def test_batches_equal_torch(kwargs):
    eds, tds = _datasets()
    eloader, tloader = edata.DataLoader(eds, **kwargs), tdata.DataLoader(tds, **kwargs)
    assert len(eloader) == len(tloader)
    ebatches, tbatches = list(eloader), list(tloader)
    assert len(ebatches) == len(tbatches)
    for e, t in zip(ebatches, tbatches, strict=True):
        _same(e, t)


class _Samples:
    """A map-style dataset of mixed samples: numbers, NumPy arrays and scalars, strings, dicts."""

    def __init__(self, tensor_module, n=7):
        self.m, self.n = tensor_module, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        point = collections.namedtuple("Point", ["x", "y"])
        return {
            "int": i, "float": i / 2, "bool": i % 2 == 0, "str": f"s{i}",
            "np": np.full((2, 2), i, dtype=np.float32), "np_int": np.arange(3, dtype=np.int32) + i,
            "np_scalar": np.float64(i) * 1.5, "np_int_scalar": np.int16(i),
            "tensor": self.m.full((3,), float(i)), "pair": (i, [i, float(i)]), "point": point(i, self.m.ones(2) * i),
        }


@pytest.mark.parametrize("batch_size", [1, 3, None])
def test_default_collate_of_mixed_samples_equals_torch(batch_size):
    eloader = edata.DataLoader(_Samples(ember), batch_size=batch_size)
    tloader = tdata.DataLoader(_Samples(torch), batch_size=batch_size)
    for e, t in zip(eloader, tloader, strict=True):
        _same(e, t)


def test_default_collate_directly():
    _same(edata.default_collate([(1, 2.0), (3, 4.0)]), tdata.default_collate([(1, 2.0), (3, 4.0)]))
    _same(edata.default_collate([[1, 2], [3, 4]]), tdata.default_collate([[1, 2], [3, 4]]))
    _same(edata.default_collate([np.ones(2), np.zeros(2)]), tdata.default_collate([np.ones(2), np.zeros(2)]))
    od = [collections.OrderedDict(a=1, b=2.0), collections.OrderedDict(a=3, b=4.0)]
    _same(edata.default_collate(od), tdata.default_collate(od))
    for bad in ([object(), object()], [np.array(["a"]), np.array(["b"])]):
        with pytest.raises(TypeError) as texc:
            tdata.default_collate(bad)
        with pytest.raises(TypeError) as eexc:
            edata.default_collate(bad)
        assert str(eexc.value) == str(texc.value)
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        edata.default_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        edata.default_collate([ember.ones(2), ember.ones(3)])


def test_default_convert_equals_torch():
    sample = {"a": np.ones(3, dtype=np.float32), "b": (np.int64(2), "s"), "c": [np.zeros(2)]}
    _same(edata.default_convert(sample), tdata.default_convert(sample))


def test_custom_collate_fn_and_batch_sampler():
    eds, tds = _datasets()
    batches = [[0, 5], [9, 1, 2], [3]]
    eloader = edata.DataLoader(eds, batch_sampler=batches, collate_fn=lambda b: len(b))
    tloader = tdata.DataLoader(tds, batch_sampler=batches, collate_fn=lambda b: len(b))
    assert list(eloader) == list(tloader) == [2, 3, 1]
    assert len(eloader) == 3
    e2 = list(edata.DataLoader(eds, batch_sampler=batches))
    t2 = list(tdata.DataLoader(tds, batch_sampler=batches))
    for e, t in zip(e2, t2, strict=True):
        _same(e, t)


def test_sampler_option():
    eds, tds = _datasets()
    order = [9, 3, 3, 0]
    for e, t in zip(edata.DataLoader(eds, sampler=order, batch_size=3),
                    tdata.DataLoader(tds, sampler=order, batch_size=3), strict=True):
        _same(e, t)


def test_shuffle_is_a_permutation_and_reproducible():
    eds, _ = _datasets(23)
    seen = []
    for _ in range(2):
        loader = edata.DataLoader(eds, batch_size=5, shuffle=True, generator=ember.Generator().manual_seed(7))
        labels = [int(v) for x, _ in loader for v in x[:, 0]._data // 3]
        seen.append(labels)
        assert sorted(labels) == list(range(23))
        assert len(loader) == 5
    assert seen[0] == seen[1]
    assert seen[0] != list(range(23))
    loader = edata.DataLoader(eds, batch_size=5, shuffle=True)
    epoch1 = [int(v) for x, _ in loader for v in x[:, 0]._data // 3]
    epoch2 = [int(v) for x, _ in loader for v in x[:, 0]._data // 3]
    assert sorted(epoch1) == sorted(epoch2) == list(range(23)) and epoch1 != epoch2
    dropped = [x.shape[0] for x, _ in edata.DataLoader(eds, batch_size=5, shuffle=True, drop_last=True)]
    assert dropped == [5, 5, 5, 5]


def test_random_sampler():
    g = ember.Generator().manual_seed(0)
    s = edata.RandomSampler(range(10), generator=g)
    assert sorted(s) == list(range(10)) and len(s) == 10
    s = edata.RandomSampler(range(10), num_samples=25, generator=g)
    out = list(s)
    assert len(out) == 25 and sorted(set(out)) == list(range(10))
    s = edata.RandomSampler(range(4), replacement=True, num_samples=70, generator=g)
    out = list(s)
    assert len(out) == 70 and set(out) <= set(range(4))
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but got num_samples=0"):
        edata.RandomSampler([], generator=g)
    with pytest.raises(TypeError, match="replacement should be a boolean value"):
        edata.RandomSampler(range(3), replacement=1)


def test_other_samplers():
    assert list(edata.SequentialSampler(range(4))) == [0, 1, 2, 3]
    sub = list(edata.SubsetRandomSampler([5, 7, 9], generator=ember.Generator().manual_seed(1)))
    assert sorted(sub) == [5, 7, 9]
    w = list(edata.WeightedRandomSampler([0.0, 1.0, 0.0], 5, generator=ember.Generator().manual_seed(1)))
    assert w == [1] * 5
    for bs, dl in [(3, False), (3, True), (1, False), (10, False)]:
        eb = edata.BatchSampler(edata.SequentialSampler(range(7)), bs, dl)
        tb = tdata.BatchSampler(tdata.SequentialSampler(range(7)), bs, dl)
        assert list(eb) == list(tb) and len(eb) == len(tb)
    for args in [(0, False), (2, 1), (True, False)]:
        with pytest.raises(ValueError) as texc:
            tdata.BatchSampler(range(3), *args)
        with pytest.raises(ValueError) as eexc:
            edata.BatchSampler(range(3), *args)
        assert str(eexc.value) == str(texc.value)


class _Stream(edata.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


class _TStream(tdata.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


@pytest.mark.parametrize("kwargs", [{}, {"batch_size": 3}, {"batch_size": 3, "drop_last": True}, {"batch_size": None}])
def test_iterable_dataset(kwargs):
    eloader, tloader = edata.DataLoader(_Stream(8), **kwargs), tdata.DataLoader(_TStream(8), **kwargs)
    assert len(eloader) == len(tloader)
    for e, t in zip(list(eloader), list(tloader), strict=True):
        _same(e, t)
    chained = list(_Stream(2) + _Stream(3))
    assert chained == [0, 1, 0, 1, 2]


def test_dataloader_errors_equal_torch():
    eds, tds = _datasets()
    cases = [
        {"shuffle": True, "sampler": [0, 1]}, {"batch_sampler": [[0]], "batch_size": 2},
        {"batch_sampler": [[0]], "drop_last": True}, {"batch_size": None, "drop_last": True},
        {"num_workers": -1}, {"timeout": -1}, {"prefetch_factor": 2}, {"persistent_workers": True},
    ]
    for kwargs in cases:
        with pytest.raises(ValueError) as texc:
            tdata.DataLoader(tds, **kwargs)
        with pytest.raises(ValueError) as eexc:
            edata.DataLoader(eds, **kwargs)
        assert str(eexc.value) == str(texc.value)
    for kwargs in [{"shuffle": True}, {"sampler": [0]}, {"batch_sampler": [[0]]}]:
        with pytest.raises(ValueError) as texc:
            tdata.DataLoader(_TStream(3), **kwargs)
        with pytest.raises(ValueError) as eexc:
            edata.DataLoader(_Stream(3), **kwargs)
        assert str(eexc.value) == str(texc.value)
    loader = edata.DataLoader(eds)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after DataLoader is initialized"):
        loader.batch_size = 3


def test_num_workers_runs_in_the_main_process_with_a_warning():
    eds, tds = _datasets()
    with pytest.warns(UserWarning, match="no worker processes"):
        loader = edata.DataLoader(eds, batch_size=4, num_workers=2)
    for e, t in zip(loader, tdata.DataLoader(tds, batch_size=4), strict=True):
        _same(e, t)
    assert edata.get_worker_info() is None


def test_tensor_dataset_subset_concat():
    eds, tds = _datasets()
    _same(eds[3], tds[3])
    assert len(eds) == 10
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        edata.TensorDataset(ember.ones(3), ember.ones(4))
    sub = edata.Subset(eds, [4, 2])
    assert len(sub) == 2
    _same(sub[1], tds[2])
    _same(sub.__getitems__([0, 1]), [tds[4], tds[2]])
    cat = eds + edata.Subset(eds, [0, 1, 2])
    assert isinstance(cat, edata.ConcatDataset) and len(cat) == 13 and cat.cumulative_sizes == [10, 13]
    _same(cat[11], tds[1])
    _same(cat[-1], tds[2])
    _same(cat[-13], tds[0])
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        cat[-14]
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        edata.ConcatDataset([])
    stack = edata.StackDataset(a=[1, 2], b=[3, 4])
    assert stack[1] == {"a": 2, "b": 4} and len(stack) == 2
    with pytest.raises(NotImplementedError):
        edata.Dataset()[0]


def test_random_split():
    eds, _ = _datasets(10)
    g = ember.Generator().manual_seed(3)
    parts = edata.random_split(eds, [3, 7], generator=g)
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))
    again = edata.random_split(eds, [3, 7], generator=ember.Generator().manual_seed(3))
    assert again[0].indices == parts[0].indices
    # Fractions: floor, then the remainder round-robin, as torch.
    for n, fracs in [(10, [0.5, 0.5]), (11, [0.3, 0.3, 0.4]), (7, [0.1, 0.9]), (5, [1.0])]:
        e = [len(p) for p in edata.random_split(range(n), fracs)]
        t = [len(p) for p in tdata.random_split(range(n), fracs)]
        assert e == t
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        edata.random_split(range(2), [0.01, 0.01, 0.98])
    assert "Length of split at index 1 is 0" in str(caught[0].message)
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the input dataset!"):
        edata.random_split(range(5), [2, 2])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        edata.random_split(range(5), [-0.5, 1.5])


def test_training_loop_with_optimizer():
    """An end-to-end run: DataLoader batches, ember autograd, ember.optim.SGD."""
    import ember.optim

    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32)
    loader = edata.DataLoader(edata.TensorDataset(ember.tensor(x), ember.tensor(y)), batch_size=16, shuffle=True,
                              generator=ember.Generator().manual_seed(0))
    w = ember.zeros(3, 1, requires_grad=True)
    opt = ember.optim.SGD([w], lr=0.1, momentum=0.9)
    for _ in range(30):
        for xb, yb in loader:
            opt.zero_grad()
            ((xb @ w - yb) ** 2).mean().backward()
            opt.step()
    np.testing.assert_allclose(w._data.ravel(), [1.0, -2.0, 0.5], atol=2e-2)
