"""Every measure family. Importing this package fills `oversight.engine.registry.REGISTRY`."""

from oversight.engine.registry import REGISTRY

__all__ = ["REGISTRY"]
