"""``python -m tui``: the same as the ``dossier`` command."""

import sys

from tui.cli import main

sys.exit(main())
