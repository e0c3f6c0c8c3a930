"""ember.backends.cudnn: cuDNN is not available in ember."""

enabled = True
deterministic = False
benchmark = False


def is_available() -> bool:
    """False: ember has no CUDA backend, so no cuDNN."""
    return False


def version() -> None:
    """None, as PyTorch answers without cuDNN."""
    return None
