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

class NotebookKernel:
    "One Jupyter kernel that runs notebooks as papermill does (the same parameter injection, cell by cell), with a fresh namespace each time."
    def __init__(self, cwd: Path, kernel_name: str = 'protonb'):
        from jupyter_client.manager import start_new_kernel
        self.kernel_name = kernel_name
        self.km, self.kc = start_new_kernel(kernel_name=kernel_name, cwd=str(cwd))
        assert self._execute("_fresh_names = set(get_ipython().user_ns) | {'_fresh_names'}")['status'] == 'ok'

    def _execute(self, code: str) -> dict:
        "The kernel's reply to `code` (its outputs are dropped)."
        return self.kc.execute_interactive(code, timeout=600, output_hook=lambda msg: None)['content']

    def error(self, nb: Path, **params) -> str | None:
        "Run the code cells of notebook `nb` with `params` injected (papermill's own injection) until one fails: its 'Name: message', or None if none did."
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook
        book = parameterize_notebook(load_notebook_node(str(nb)), params, kernel_name=self.kernel_name)
        # a fresh namespace, as in a new kernel (imported modules stay loaded; quicker than %reset, which collects garbage)
        assert self._execute("for _n in set(get_ipython().user_ns) - _fresh_names: del get_ipython().user_ns[_n]")['status'] == 'ok'
        for cell in book.cells:
            if cell.cell_type != 'code': continue
            r = self._execute(cell.source)
            if r['status'] != 'ok': return f"{r['ename']}: {r['evalue']}"
        return None

    def close(self):
        "Stop the kernel."
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

@pytest.fixture(scope='session')
def experiment_kernel(_own_feature_caches):
    "A `protonb` kernel in nbs/experiments shared by the experiments' bad-parameter cases (one kernel start and one import of torch for all)."
    k = NotebookKernel(ROOT/'nbs'/'experiments')
    yield k
    k.close()
