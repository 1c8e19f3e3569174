"""Comparative coverage analysis suite (public API is re-exported here)."""

__all__: list[str] = []
