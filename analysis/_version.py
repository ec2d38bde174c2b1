"""The package version, in a module of its own so that submodules can read it without
depending on the package root (which re-exports every stage)."""

__version__ = "0.1.0"
