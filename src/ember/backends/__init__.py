"""ember.backends: which accelerator backends exist (none but the CPU).

>>> import ember
>>> ember.backends.mps.is_available(), ember.backends.cuda.is_built(), ember.backends.cudnn.is_available()
(False, False, False)
"""

from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
