"""carehub core: the hub that links a household's devices, its event log and its skills."""

__version__ = "0.1.0"
