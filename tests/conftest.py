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

def flagged(*flags: str):
    "Skip unless every flag is requested (`bash tools/test.sh --flags \"slow data\"` sets PROTONB_TEST_FLAGS)."
    have = set(os.environ.get('PROTONB_TEST_FLAGS', '').split())
    if missing := [f for f in flags if f not in have]: pytest.skip(f"flagged {' '.join(flags)}: run with --flags \"{' '.join(flags)}\" (missing: {' '.join(missing)})")

@pytest.fixture(autouse=True, scope='session')
def _own_feature_caches(tmp_path_factory):
    "Feature caches of the test run (also of the CLI and papermill subprocesses, which inherit the variable) in a fresh folder."
    os.environ['PROTONB_CACHE'] = str(tmp_path_factory.mktemp('protonb-cache'))
    yield
