"""`python -m tui.cli ...` runs the command line, as the `assetwatch` script does."""

from __future__ import annotations

import sys

from tui.cli import main

sys.exit(main())
