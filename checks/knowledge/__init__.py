"""What checks/data/ says, typed and cached: catalog, fingerprints, playbooks, org checklist.

Pure: reading a packaged JSON file is the only I/O, done once per process.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def load_data(name: str) -> Any:
    """A JSON data file shipped in checks/data/."""
    return json.loads(resources.files("checks").joinpath("data", name).read_text(encoding="utf-8"))
