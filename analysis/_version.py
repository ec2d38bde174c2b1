"""The package version, in a module of its own so that submodules can read it without
importing the whole package (``import analysis`` imports every stage)."""

__version__ = "0.1.0"
