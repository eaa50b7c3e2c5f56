"""Locality: map shared improvement needs, agree joint capacity-building actions and track them."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("locality")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
