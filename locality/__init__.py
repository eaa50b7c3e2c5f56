"""Locality: map shared improvement needs, agree joint capacity-building actions and track them."""

from locality._version import __version__

__all__ = ["__version__"]
