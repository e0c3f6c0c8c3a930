"""ember.backends.cuda: ember is not built with CUDA."""


def is_built() -> bool:
    """False: ember has no CUDA backend."""
    return False
