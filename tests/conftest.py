import os, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent/'shared'/'data'

def shared_data(name: str) -> Path:
    "A real dataset beside the checkout, or skip the test saying why."
    p = SHARED/name
    if not (p/'images.txt').is_file(): pytest.skip(f"real data {p} is not present (it lives in ../shared/data beside the checkout)")
    return p

@pytest.fixture
def venv_bin():
    return Path(sys.executable).parent
