"""ember.backends.mps: Apple's Metal backend is not available in ember."""


def is_available() -> bool:
    """False: ember computes on the CPU with NumPy."""
    return False


def is_built() -> bool:
    """False: ember has no MPS backend."""
    return False
