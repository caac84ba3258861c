"""The scenario's data files: JSON (and GeoJSON) under `demo/data/`, read as they are."""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def read(name: str):
    """The parsed contents of `demo/data/<name>`."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))
