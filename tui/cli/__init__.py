"""The ``dossier`` command line: one Click group (:mod:`tui.cli.root`), one module per kind of work."""

from tui.cli.root import main

__all__ = ["main"]
