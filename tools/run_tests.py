"""Run every protonb test and end with one line `N passed, N failed` (see tools/test.sh)."""
import filecmp, os, re, shutil, subprocess, sys, tempfile, time, xml.etree.ElementTree as ET
from pathlib import Path

root = Path(__file__).resolve().parent.parent; os.chdir(root)
# nbdev_test runs notebooks side by side: one thread each keeps tiny tensors from fighting over the cores
os.environ.setdefault('OMP_NUM_THREADS', '1')
# `--flags "slow data"` reaches nbdev_test as an argument and the pytest tests through this variable (tests/conftest.py)
if '--flags' in sys.argv[1:-1]: os.environ['PROTONB_TEST_FLAGS'] = sys.argv[sys.argv.index('--flags') + 1]
bin_ = Path(sys.executable).parent
passed, failed, problems = 0, 0, []

def step(name, ok, detail=''):
    global passed, failed
    passed += ok; failed += not ok
    print(f"[{'ok' if ok else 'FAIL'}] {name}" + (f": {detail}" if detail else ''), flush=True)
    if not ok: problems.append(name)

def snapshot(folder):
    d = Path(tempfile.mkdtemp()); shutil.copytree(folder, d/'x', ignore=shutil.ignore_patterns('__pycache__', '.ipynb_checkpoints')); return d/'x'

def changed(a, b):
    "Files that differ between two folder trees."
    c = filecmp.dircmp(a, b, ignore=['__pycache__', '.ipynb_checkpoints'])
    out = [str(Path(b)/f) for f in c.left_only + c.right_only + c.diff_files]
    for s in c.common_dirs: out += changed(Path(a)/s, Path(b)/s)
    return out

def run(cmd, **kw):
    t = time.time(); r = subprocess.run(cmd, capture_output=True, text=True, **kw); return r, time.time() - t

for tool, folder in [('nbdev_clean', 'nbs'), ('nbdev_export', 'protonb')]:
    before = snapshot(folder); r, dt = run([str(bin_/tool)])
    diff = changed(before, folder) if r.returncode == 0 else ['(tool failed) ' + r.stderr[-500:]]
    step(f'{tool} leaves no diff', not diff, ', '.join(diff[:5]) + (' ... commit the cleaned/exported files' if diff else ''))

r, _ = run([sys.executable, 'tools/readme.py', '--check'])
step('README.md is generated from nbs/index.ipynb', r.returncode == 0, 'run `.venv/bin/python tools/readme.py` and commit' if r.returncode else '')

nbs = sorted(p for p in Path('nbs').rglob('*.ipynb') if '.ipynb_checkpoints' not in p.parts and not p.name.startswith('_'))
r, dt = run([str(bin_/'nbdev_test'), '--timing', *sys.argv[1:]])
out = r.stdout + r.stderr
bad = set(re.findall(r'^\t(\S+\.ipynb)$', out, re.M))
for nb in nbs:
    t = re.search(rf'^{re.escape(nb.name)}: (\d+) secs', out, re.M)
    step(f'notebook {nb}', nb.name not in bad and (r.returncode == 0 or bool(bad)), f"{t.group(1)} s" if t else '')
if r.returncode and not bad: step('nbdev_test', False, out[-1500:])
if bad: print(out[-6000:])

xml = Path(tempfile.mkdtemp())/'pytest.xml'
r = subprocess.run([str(bin_/'pytest'), 'tests', '-q', '-rfEs', f'--junitxml={xml}'])
if xml.exists():
    for tc in ET.parse(xml).getroot().iter('testcase'):
        if tc.find('skipped') is not None: continue
        step(f"pytest {tc.get('classname')}::{tc.get('name')}", tc.find('failure') is None and tc.find('error') is None)
else: step('pytest', False, f'exit {r.returncode}, no report')
if r.returncode not in (0, 1, 5): step('pytest run', False, f'exit {r.returncode}')

if problems: print('failed:', *problems, sep='\n  ')
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
