"""ember.optim: optimizers and learning-rate schedulers, as ``torch.optim``.

Every optimizer updates its parameters in place (NumPy on the arrays, nothing recorded)
and keeps its state as ember tensors, in PyTorch's layout, so that ``state_dict()`` looks
like PyTorch's and round-trips through ``ember.save`` / ``ember.load``.
"""

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = [
    "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "NAdam", "Optimizer", "RAdam", "RMSprop", "SGD",
    "lr_scheduler",
]
