"""Working in JupyterLab stays clean: a notebook saved through the Jupyter server is already in `nbdev_clean`'s form.

JupyterLab saves with a PUT to the server's contents API, adding the kernel's name, the language's info and execution
counts. tools/setup.sh installs tools/jupyter_server_config.py into .venv/etc/jupyter/: a pre-save hook that cleans with
nbdev when settings.ini says `jupyter_hooks = True`. The test starts the venv's Jupyter server on a copy of a notebook
in a temporary project (the repository's settings.ini beside it), saves it as JupyterLab would, and runs `nbdev_clean`:
no diff. With `jupyter_hooks = False` the same save leaves a diff, so the check can fail.
"""
import json, os, shutil, socket, subprocess, sys, time, urllib.request, uuid
from pathlib import Path
import pytest
from conftest import ROOT

BIN = Path(sys.executable).parent
NOTEBOOK = 'nbs/00_core.ipynb'  # any notebook of the repository; only its copy is touched


def free_port() -> int:
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


def api(base: str, token: str, method: str, path: str, body=None):
    req = urllib.request.Request(f'{base}/api/contents/{path}', method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={'Authorization': f'token {token}', 'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=30) as r: return json.loads(r.read() or b'null')


def as_jupyterlab_saves(nb: dict) -> dict:
    "The notebook as JupyterLab sends it after running it: kernel and language metadata, execution counts, cell ids."
    nb = json.loads(json.dumps(nb))
    nb['metadata'] = {'kernelspec': {'display_name': 'Python (protonb)', 'language': 'python', 'name': 'protonb'},
                      'language_info': {'codemirror_mode': {'name': 'ipython', 'version': 3}, 'file_extension': '.py',
                                        'mimetype': 'text/x-python', 'name': 'python', 'nbconvert_exporter': 'python',
                                        'pygments_lexer': 'ipython3', 'version': '3.11.2'}}
    nb['nbformat'], nb['nbformat_minor'] = 4, 5
    n = 0
    for c in nb['cells']:
        c.setdefault('id', uuid.uuid4().hex[:8])
        c['metadata'] = {**c.get('metadata', {}), 'trusted': True}
        if c['cell_type'] == 'code':
            n += 1
            c['execution_count'] = n
            c['metadata']['execution'] = {'iopub.execute_input': '2026-01-01T00:00:00.000Z'}
    return nb


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    "The venv's Jupyter server on a temporary project: settings.ini and a copy of one notebook. Yields (base URL, token, root)."
    installed = Path(sys.prefix)/'etc'/'jupyter'/'jupyter_server_config.py'
    if not installed.is_file() or installed.read_text() != (ROOT/'tools'/'jupyter_server_config.py').read_text():
        pytest.fail(f'{installed} is missing or stale: run `bash tools/setup.sh`, which installs tools/jupyter_server_config.py there')
    root = tmp_path_factory.mktemp('jlab')/'proj'
    (root/'nbs').mkdir(parents=True)
    shutil.copy(ROOT/'settings.ini', root/'settings.ini')
    shutil.copy(ROOT/NOTEBOOK, root/NOTEBOOK)
    home = tmp_path_factory.mktemp('home')
    port, token = free_port(), uuid.uuid4().hex
    env = {**os.environ, 'HOME': str(home), 'JUPYTER_CONFIG_DIR': str(home/'.jupyter'), 'JUPYTER_RUNTIME_DIR': str(home/'runtime'),
           'JUPYTER_PREFER_ENV_PATH': '1'}  # the venv's config only (not the user's ~/.jupyter, where nbdev writes its own hook)
    log = open(home/'server.log', 'w')
    proc = subprocess.Popen([str(BIN/'jupyter'), 'server', '--no-browser', f'--port={port}', '--ip=127.0.0.1',
                             f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={root}', '--allow-root'],
                            cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT)  # not the project's folder: the hook finds it
    base = f'http://127.0.0.1:{port}'
    try:
        for _ in range(120):
            if proc.poll() is not None: break
            try: api(base, token, 'GET', ''); break
            except OSError: time.sleep(0.5)
        else: pytest.fail('the Jupyter server did not answer within 60 s')
        if proc.poll() is not None: pytest.fail(f'the Jupyter server stopped:\n{(home/"server.log").read_text()[-3000:]}')
        yield base, token, root
    finally:
        proc.terminate()
        try: proc.wait(10)
        except subprocess.TimeoutExpired: proc.kill(); proc.wait()
        log.close()


def save_and_clean(server, hooks: bool) -> tuple[bytes, bytes]:
    "Save the notebook through the contents API with `jupyter_hooks = hooks`; return the file as saved and after `nbdev_clean`."
    base, token, root = server
    ini = root/'settings.ini'
    ini.write_text('\n'.join(f'jupyter_hooks = {hooks}' if l.startswith('jupyter_hooks') else l for l in ini.read_text().splitlines()) + '\n')
    nb = json.loads((ROOT/NOTEBOOK).read_text(encoding='utf-8'))
    api(base, token, 'PUT', NOTEBOOK, {'type': 'notebook', 'format': 'json', 'content': as_jupyterlab_saves(nb)})
    f = root/NOTEBOOK
    saved = f.read_bytes()
    r = subprocess.run([str(BIN/'nbdev_clean'), '--fname', str(f)], cwd=root, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return saved, f.read_bytes()


def test_repository_turns_the_save_hook_on():
    from nbdev.config import get_config
    assert get_config(path=ROOT).jupyter_hooks, 'settings.ini: jupyter_hooks must be True, or notebooks saved from JupyterLab fail the clean check'


def test_notebook_saved_from_jupyterlab_is_clean(server):
    saved, cleaned = save_and_clean(server, hooks=True)
    nb = json.loads(saved)
    assert 'language_info' not in nb['metadata'] and not any(c.get('execution_count') for c in nb['cells']), 'the save hook did not run'
    assert saved == cleaned, 'nbdev_clean changes a notebook just saved through the Jupyter server'


def test_without_the_hook_the_save_is_not_clean(server):
    saved, cleaned = save_and_clean(server, hooks=False)  # the check above can fail: JupyterLab's metadata is what it looks for
    assert 'language_info' in json.loads(saved)['metadata'] and saved != cleaned
