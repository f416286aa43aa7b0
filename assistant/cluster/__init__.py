"""Running many homes on several workers: which worker owns which partition of homes (docs/operators.md)."""

from assistant.cluster.lease import EtcdError, Holder, PartitionLeases

__all__ = ["EtcdError", "Holder", "PartitionLeases"]
