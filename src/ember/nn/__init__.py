"""ember.nn: neural-network building blocks with PyTorch's names.

``Module`` and ``Parameter`` (``modules/module.py``, ``parameter.py``), the layers in
``modules/``, ``init`` (weight initialisation), ``functional`` (the stateless forms) and
``utils`` (gradient clipping, parameters as one vector).

>>> import ember
>>> from ember import nn
>>> model = nn.Sequential(nn.Linear(784, 256), nn.ReLU())
>>> model
Sequential(
  (0): Linear(in_features=784, out_features=256, bias=True)
  (1): ReLU()
)
>>> [(k, tuple(v.shape)) for k, v in model.state_dict().items()]
[('0.weight', (256, 784)), ('0.bias', (256,))]
"""

from . import functional, init, modules, parameter, utils
from .modules import *  # noqa: F403 - the layers, listed in modules.__all__
from .modules import __all__ as _modules_all
from .parameter import Buffer, Parameter

__all__ = ["functional", "init", "modules", "parameter", "utils", "Parameter", "Buffer", *_modules_all]
