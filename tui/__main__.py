"""``python -m tui``: the same as the ``dossier`` command."""

import sys

from tui.cli import main

if __name__ == "__main__":  # not when a worker process of a large import imports this module
    sys.exit(main())
