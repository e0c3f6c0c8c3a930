"""ember.save and ember.load: tensors and state dicts in an archive that cannot run code.

The file is a zip archive (stored, not compressed) holding:

* ``ember/format``: the text ``ember-archive 1``, so that any other file is recognised;
* ``ember/structure.json``: the saved object as JSON, every value tagged with its type
  (``{"t": "dict", "items": [[key, value], ...]}``, ``{"t": "tensor", "i": 0, "rg": true}``);
* ``ember/tensors/<i>.npy``: the array of tensor ``i``, read back with
  ``numpy.load(..., allow_pickle=False)``.

Nothing is pickled, so loading runs no code from the file: ``weights_only=True`` (PyTorch's
default) and ``weights_only=False`` read the same format. What can be saved: tensors (with
their dtype, shape and ``requires_grad``; a tensor saved twice is loaded as one tensor),
``None``, bools, ints, floats (exactly, NaN and infinities included), complex numbers, str,
bytes, lists, tuples, namedtuples are not kept (they load as tuples), dicts with any of these
as keys (int keys stay ints), ``OrderedDict`` (with a ``_metadata`` attribute, as a module's
``state_dict()`` has), ``ember.Size``, ``ember.dtype``, ``ember.device``, NumPy arrays
and scalars of non-object dtypes, and ``ember.nn.Parameter`` when it exists. Anything else
raises a TypeError naming its type. Views are saved as their own arrays (storage sharing
between different tensors is not kept), and ``.grad`` is not saved (as in PyTorch).

>>> import io, ember
>>> from ember.serialization import load, save  # also ember.save / ember.load
>>> buf = io.BytesIO()
>>> save({"w": ember.ones(2, requires_grad=True), "step": 3}, buf)
>>> _ = buf.seek(0)
>>> load(buf)
{'w': tensor([1., 1.], requires_grad=True), 'step': 3}
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections import OrderedDict
from typing import Any

import numpy as np

from . import _dtype as D  # noqa: N812 - D reads as a namespace of dtypes
from ._device import device as _device_t
from ._tensor import Size, Tensor

__all__ = ["save", "load"]

_MAGIC = b"ember-archive 1"
_PREFIX = "ember/"


class _Writer:
    """Turn an object into tagged JSON, collecting tensor arrays on the way."""

    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self.tensor_ids: dict[int, int] = {}
        self.keep_alive: list[Any] = []  # the ids in tensor_ids stay valid while we run

    def array(self, a: np.ndarray) -> int:
        if a.dtype.hasobject or a.dtype.kind == "V":
            raise TypeError(f"ember.save cannot store a NumPy array of dtype {a.dtype}")
        self.arrays.append(a)
        return len(self.arrays) - 1

    def encode(self, obj: Any) -> Any:
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        t = type(obj)
        if t is int:
            return {"t": "int", "v": str(obj)}
        if t is float:
            return {"t": "float", "v": obj.hex()}
        if t is complex:
            return {"t": "complex", "re": obj.real.hex(), "im": obj.imag.hex()}
        if t is bytes:
            return {"t": "bytes", "v": obj.hex()}
        if isinstance(obj, Tensor):
            return self.tensor(obj)
        if t is Size:
            return {"t": "size", "v": list(obj)}
        if t is list:
            return {"t": "list", "v": [self.encode(v) for v in obj]}
        if t is tuple:
            return {"t": "tuple", "v": [self.encode(v) for v in obj]}
        if t in (dict, OrderedDict):
            out = {"t": "odict" if t is OrderedDict else "dict",
                   "items": [[self.encode(k), self.encode(v)] for k, v in obj.items()]}
            metadata = getattr(obj, "_metadata", None)
            if metadata is not None:
                out["metadata"] = self.encode(metadata)
            return out
        if isinstance(obj, D.dtype):
            return {"t": "dtype", "v": obj.name}
        if isinstance(obj, _device_t):
            return {"t": "device", "v": str(obj)}
        if isinstance(obj, np.ndarray) and t is np.ndarray:
            return {"t": "ndarray", "i": self.array(obj)}
        if isinstance(obj, np.generic) and not isinstance(obj, np.object_):
            return {"t": "npscalar", "i": self.array(np.asarray(obj))}
        raise TypeError(
            f"ember.save cannot store an object of type {t.__module__}.{t.__qualname__}: it stores tensors, "
            "numbers, str, bytes, None, and lists, tuples and dicts of them"
        )

    def tensor(self, x: Tensor) -> dict[str, Any]:
        key = id(x)
        if key not in self.tensor_ids:
            self.keep_alive.append(x)
            self.tensor_ids[key] = self.array(x._data)
        out: dict[str, Any] = {"t": "tensor", "i": self.tensor_ids[key], "rg": bool(x._rg)}
        if type(x) is not Tensor and type(x).__name__ == "Parameter":
            out["t"] = "parameter"
        return out


def save(obj: Any, f: Any, pickle_module: Any = None, pickle_protocol: int = 2,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False) -> None:
    """Save ``obj`` to ``f`` (a path or a writable binary file object) in ember's archive format.

    The pickle arguments are accepted for PyTorch compatibility and ignored: nothing is
    pickled. A TypeError names the type of any object that cannot be stored, and nothing is
    written then.
    """
    writer = _Writer()
    structure = writer.encode(obj)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(_PREFIX + "format", _MAGIC)
        zf.writestr(_PREFIX + "structure.json", json.dumps(structure, separators=(",", ":")))
        for i, a in enumerate(writer.arrays):
            with zf.open(f"{_PREFIX}tensors/{i}.npy", "w", force_zip64=a.nbytes > 2**30) as out:
                np.save(out, a, allow_pickle=False)
    data = buf.getvalue()
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:
            fh.write(data)
    else:
        f.write(data)


class _Reader:
    """Rebuild an object from its tagged JSON and the archive's arrays."""

    def __init__(self, zf: zipfile.ZipFile, name: str) -> None:
        self.zf = zf
        self.name = name
        self.tensors: dict[int, Tensor] = {}

    def corrupt(self, why: str) -> RuntimeError:
        return RuntimeError(f"ember.load: {self.name} is corrupt: {why}")

    def array(self, i: Any) -> np.ndarray:
        if type(i) is not int:
            raise self.corrupt(f"bad array index {i!r}")
        try:
            with self.zf.open(f"{_PREFIX}tensors/{i}.npy") as fh:
                return np.load(io.BytesIO(fh.read()), allow_pickle=False)
        except KeyError:
            raise self.corrupt(f"array {i} is missing") from None
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
            raise self.corrupt(f"array {i} cannot be read ({e})") from None

    def decode(self, node: Any) -> Any:
        if node is None or isinstance(node, (bool, str)):
            return node
        if not isinstance(node, dict) or "t" not in node:
            raise self.corrupt(f"unexpected value {node!r} in the structure")
        try:
            return self._decode(node["t"], node)
        except (KeyError, TypeError, ValueError) as e:
            raise self.corrupt(f"bad {node.get('t')!r} entry ({type(e).__name__}: {e})") from None

    def _decode(self, tag: str, node: dict[str, Any]) -> Any:
        if tag == "int":
            return int(node["v"])
        if tag == "float":
            return float.fromhex(node["v"])
        if tag == "complex":
            return complex(float.fromhex(node["re"]), float.fromhex(node["im"]))
        if tag == "bytes":
            return bytes.fromhex(node["v"])
        if tag in ("tensor", "parameter"):
            return self.tensor(node)
        if tag == "size":
            return Size(node["v"])
        if tag == "list":
            return [self.decode(v) for v in node["v"]]
        if tag == "tuple":
            return tuple(self.decode(v) for v in node["v"])
        if tag in ("dict", "odict"):
            out: Any = (OrderedDict if tag == "odict" else dict)(
                (self.decode(k), self.decode(v)) for k, v in node["items"]
            )
            if "metadata" in node:
                out._metadata = self.decode(node["metadata"])
            return out
        if tag == "dtype":
            dt = getattr(D, node["v"], None)
            if not isinstance(dt, D.dtype):
                raise ValueError(f"unknown dtype {node['v']!r}")
            return dt
        if tag == "device":
            return _device_t(node["v"])
        if tag == "ndarray":
            return self.array(node["i"])
        if tag == "npscalar":
            return self.array(node["i"])[()]
        raise ValueError(f"unknown tag {tag!r}")

    def tensor(self, node: dict[str, Any]) -> Tensor:
        i = node["i"]
        if i not in self.tensors:
            data = self.array(i)
            if data.dtype not in D.FROM_NP:
                raise self.corrupt(f"array {i} has dtype {data.dtype}, which no ember dtype has")
            if not data.flags.writeable:
                data = data.copy()
            rg = bool(node.get("rg", False))
            if node["t"] == "parameter":
                parameter = _parameter_class()
                if parameter is not None:
                    self.tensors[i] = parameter(Tensor._make(data, None), requires_grad=rg)
                    return self.tensors[i]
            t = Tensor._make(data, None)
            if rg:
                t.requires_grad_(True)
            self.tensors[i] = t
        return self.tensors[i]


def _parameter_class() -> Any:
    """``ember.nn.Parameter``, or None while ember.nn has none."""
    try:
        from .nn.parameter import Parameter
    except ImportError:
        return None
    return Parameter


def load(f: Any, map_location: Any = None, pickle_module: Any = None, *, weights_only: bool | None = True,
         mmap: bool | None = None, **pickle_load_args: Any) -> Any:
    """Load an object saved by ``ember.save`` from ``f`` (a path or a readable binary file object).

    No code from the file runs, whatever ``weights_only`` says. ``map_location`` may be
    None, ``"cpu"`` or a CPU device (ember keeps tensors on the CPU). A file that is not an
    ember archive, or is truncated or corrupt, raises a RuntimeError that says so.
    """
    if map_location is not None and str(map_location) != "cpu":
        raise RuntimeError(f"ember.load: map_location={map_location!r} is not supported; ember loads onto the CPU")
    if isinstance(f, (str, os.PathLike)):
        name = repr(os.fspath(f))
        with open(f, "rb") as fh:
            raw = fh.read()
    else:
        name = "the file"
        raw = f.read()
    if not raw:
        raise RuntimeError(f"ember.load: {name} is empty (0 bytes): not an ember archive")
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise RuntimeError(f"ember.load: {name} is not an ember archive, or it is truncated or corrupt ({e})") from None
    with zf:
        names = set(zf.namelist())
        if _PREFIX + "format" not in names:
            if any(n.endswith("data.pkl") for n in names) or any(n.endswith(".pkl") for n in names):
                raise RuntimeError(
                    f"ember.load: {name} is a PyTorch (pickle) checkpoint, not an ember archive; ember does not "
                    "unpickle files, since unpickling can run code"
                )
            raise RuntimeError(f"ember.load: {name} is a zip file but not an ember archive (no {_PREFIX}format)")
        reader = _Reader(zf, name)
        try:
            magic = zf.read(_PREFIX + "format")
            structure = json.loads(zf.read(_PREFIX + "structure.json").decode("utf-8"))
        except KeyError:
            raise reader.corrupt("the structure is missing") from None
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
            raise reader.corrupt(f"the structure cannot be read ({e})") from None
        if magic != _MAGIC:
            raise RuntimeError(f"ember.load: {name} has an unknown format {magic[:40]!r} (expected {_MAGIC!r})")
        return reader.decode(structure)
