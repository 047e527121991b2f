"""``python -m viz``: see ``viz/cli.py`` (``python -m viz --help``)."""

import sys

from viz.cli import main

sys.exit(main())
