"""The table of faults: every bad input or fault of the reliability review as one row — the input, the one-line message it
must give (or the right result), and nothing half-written in the output folder. Rows marked "before any step" must fail
before the first optimiser step: the output folder then holds no checkpoint."""
import json, os, shutil, signal, subprocess, sys, time, warnings
from pathlib import Path
import numpy as np, pytest, torch
from PIL import Image
from protonb.cli import run
from protonb.test_utils import make_cub

BIN = Path(sys.executable).parent
TINY = ['--backbone', 'tiny', '--no-pretrained', '--image-size', '32', '--batch-size', '4', '--per-class', '1', '--proto-dim', '8',
        '--warm-steps', '4', '--last-steps', '2', '--views', '0', '--chunk', '2']

@pytest.fixture(scope='module')
def cub(tmp_path_factory):
    "A tiny CUB folder: 3 classes, 6 images each (3 train, 3 test)."
    return make_cub(tmp_path_factory.mktemp('data')/'cub', n_classes=3, n_per_class=6)

@pytest.fixture
def data(cub, tmp_path):
    "A private copy of the tiny CUB folder, for rows that damage it."
    return Path(shutil.copytree(cub, tmp_path/'cub'))

@pytest.fixture(scope='module')
def trained(cub, tmp_path_factory):
    "A finished tiny run on the CUB folder."
    out = tmp_path_factory.mktemp('run')
    run(['train', '--data', str(cub), '--out', str(out), *TINY])
    return out

def fails(capsys, argv, msg):
    "Run the CLI in-process: exit status 2, one line naming the problem, no traceback."
    with pytest.raises(SystemExit) as e: run([str(a) for a in argv])
    err = capsys.readouterr().err
    assert e.value.code == 2, err
    lines = [l for l in err.splitlines() if 'error:' in l]
    assert len(lines) == 1 and msg in lines[0] and 'Traceback' not in err, err
    return lines[0]

def nothing_written(out: Path):
    "No checkpoint, summary or temporary file in `out` (it may exist, empty)."
    left = [p.name for p in out.iterdir()] if out.exists() else []
    assert not left, f"left in {out}: {left}"

def image(root: Path, k: int) -> Path:
    "File of image id k (1-based) of a CUB folder."
    return root/'images'/(root/'images.txt').read_text().splitlines()[k - 1].split()[1]

# ---- rows 1, 1b, 2: bad images are found before any step, in every split ----
@pytest.mark.parametrize('row, k, damage, msg', [
    ('1 truncated JPEG, train split', 1, lambda f: f.write_bytes(f.read_bytes()[:len(f.read_bytes()) // 2]), 'image file is truncated'),
    ('1b truncated JPEG, test split', 2, lambda f: f.write_bytes(f.read_bytes()[:len(f.read_bytes()) // 2]), 'image file is truncated'),
    ('2 zero-byte image', 2, lambda f: f.write_bytes(b''), 'cannot identify image file')])
def test_bad_image_before_any_step(capsys, data, tmp_path, row, k, damage, msg):
    damage(image(data, k))
    line = fails(capsys, ['train', '--data', data, '--out', tmp_path/'out', *TINY], msg)
    assert image(data, k).name in line
    nothing_written(tmp_path/'out')

# ---- row 5: high-bit-depth images keep their contrast ----
def test_16bit_grayscale_png_keeps_contrast(data):
    f = image(data, 1)
    ramp = np.linspace(0, 65535, 32 * 40).reshape(32, 40).astype(np.uint16)
    Image.fromarray(ramp).save(f, format='PNG')  # PNG data under the .jpg name, as in the review
    from protonb.data import CUB200
    im = np.asarray(CUB200(data, val_fraction=0).load(0), dtype=float)
    assert abs(im.mean() - ramp.mean() / 257) < 1, im.mean()  # not all white (255)

# ---- row 6: tiny images are trained on, with one warning ----
def test_tiny_image_warns(data):
    Image.new('RGB', (2, 2), (90, 10, 10)).save(image(data, 1))
    from protonb.data import CUB200, verify_images
    with pytest.warns(UserWarning, match='smaller than 32 px'): verify_images(CUB200(data, val_fraction=0))

# ---- row 7b: a box that is not a finite number ----
@pytest.mark.parametrize('value', ['nan', 'inf'])
def test_box_not_finite(capsys, data, tmp_path, value):
    lines = (data/'bounding_boxes.txt').read_text().splitlines()
    lines[1] = ' '.join(lines[1].split()[:3] + [value] + lines[1].split()[4:])
    (data/'bounding_boxes.txt').write_text('\n'.join(lines) + '\n')
    fails(capsys, ['train', '--data', data, '--out', tmp_path/'out', '--crop', *TINY], 'bounding_boxes.txt line 2: cannot parse')
    nothing_written(tmp_path/'out')

# ---- row 9 and "other cases": parameters checked before anything runs, on every entry point ----
@pytest.mark.parametrize('args, msg', [
    (['--image-size', '1'], 'image_size must be an integer in [32, 4096], got 1'),
    (['--seed', '-1'], 'seed must be an integer in [0, 4294967295], got -1'),
    (['--data-arg', 'foo=1'], "CUB200 takes no argument 'foo'"),
    (['--warm-steps', '-1'], '--warm-steps must be an integer >= 0'),
    (['--push-every='], '--push-every must be an integer >= 0'),
    (['--val-fraction', '1'], 'must be in [0, 1)')])
def test_bad_parameter_before_any_step(capsys, cub, tmp_path, args, msg):
    fails(capsys, ['train', '--data', cub, '--out', tmp_path/'out', *TINY, *args], msg)
    nothing_written(tmp_path/'out')

@pytest.mark.parametrize('kw, msg', [(dict(crop='false'), "crop must be True or False, got 'false'"),
                                     (dict(image_size=1), 'image_size must be'), (dict(lr_last=-1.), 'lr_last must be')])
def test_bad_parameter_python_api(cub, tmp_path, kw, msg):
    from protonb.train import train_protopnet
    with pytest.raises(ValueError, match=msg.replace('[', r'\[')): train_protopnet(str(cub), tmp_path/'out', 'tiny', False, **kw)
    nothing_written(tmp_path/'out')

# ---- rows 10b-10e: checkpoints that cannot be used ----
def test_zero_byte_checkpoint(capsys, tmp_path):
    (tmp_path/'empty.pt').write_bytes(b'')
    fails(capsys, ['evaluate', '--checkpoint', tmp_path/'empty.pt'], 'empty.pt is not a protonb checkpoint')

def test_checkpoint_config_does_not_fit_weights(capsys, trained, tmp_path):
    ck = torch.load(trained/'best.pt', weights_only=True)
    ck['config']['proto_dim'] = 32
    torch.save(ck, tmp_path/'bad.pt')
    fails(capsys, ['evaluate', '--checkpoint', tmp_path/'bad.pt'], 'does not describe these weights')

class Custom: pass

def test_pickled_class_refused_in_one_plain_line(capsys, tmp_path):
    torch.save({'x': Custom()}, tmp_path/'pickled.pt')
    line = fails(capsys, ['evaluate', '--checkpoint', tmp_path/'pickled.pt'], 'is not a protonb checkpoint')
    assert '\x1b' not in line

def test_evaluate_other_classes_refused(capsys, trained, tmp_path):
    other = make_cub(tmp_path/'five', n_classes=5)
    fails(capsys, ['evaluate', '--checkpoint', trained/'best.pt', '--data', other], 'its classes differ')

def test_evaluate_non_finite_checkpoint_refused(capsys, trained, tmp_path):
    ck = torch.load(trained/'last.pt', weights_only=True)
    ck['model']['prototype_layer.prototypes'][0, 0] = float('nan')
    torch.save(ck, tmp_path/'nan.pt')
    fails(capsys, ['evaluate', '--checkpoint', tmp_path/'nan.pt'], 'prototype_layer.prototypes has 1 non-finite value')

# ---- row 11: the output folder ----
def test_out_is_a_file(capsys, cub, tmp_path):
    (tmp_path/'afile').write_text('x')
    fails(capsys, ['train', '--data', cub, '--out', tmp_path/'afile', *TINY], 'is a file, not a folder')
    assert (tmp_path/'afile').read_text() == 'x'

def test_unwritable_out_before_any_step(cub, tmp_path):
    out = tmp_path/'locked'
    out.mkdir()
    out.chmod(0o500)
    cmd = [str(BIN/'protonb'), 'train', '--data', str(cub), '--out', str(out), *TINY]
    if os.geteuid() == 0:  # root writes anywhere: drop the capability that lets it, as the review did
        if not shutil.which('setpriv'): pytest.skip('running as root without setpriv: cannot make a folder unwritable')
        cmd = ['setpriv', '--inh-caps=-all', '--bounding-set=-dac_override,-dac_read_search', *cmd]
    r = subprocess.run(cmd, capture_output=True, text=True)
    out.chmod(0o700)
    assert r.returncode == 2 and 'out_dir: cannot write in' in r.stderr and 'Traceback' not in r.stderr, r.stderr[-2000:]
    nothing_written(out)

# ---- row 12c: a rerun into the same folder with other settings, or over another command's checkpoint ----
@pytest.mark.parametrize('args, msg', [
    (['--image-size', '48'], 'data.image_size is 48 here, 32 in the checkpoint'),
    (['--batch-size', '8'], 'run.batch_size is 8 here, 4 in the checkpoint'),
    (['--per-class', '2'], 'model.per_class is 2 here, 1 in the checkpoint'),
    (['--warm-steps', '6'], 'training.warm_steps is 6 here, 4 in the checkpoint')])
def test_rerun_with_other_settings_refused(capsys, cub, trained, tmp_path, args, msg):
    out = Path(shutil.copytree(trained, tmp_path/'run'))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    argv = ['train', '--data', cub, '--out', out, *TINY]
    for k in range(0, len(args), 2): argv[argv.index(args[k]) + 1] = args[k + 1]
    fails(capsys, argv, msg)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before

def test_rerun_on_another_dataset_refused(capsys, trained, tmp_path):
    other = make_cub(tmp_path/'other', n_classes=3, n_per_class=6)
    (other/'classes.txt').write_text((other/'classes.txt').read_text().replace('Class_1', 'Other_1'))
    out = Path(shutil.copytree(trained, tmp_path/'run'))
    fails(capsys, ['train', '--data', other, '--out', out, *TINY], 'data.data is')

def test_rerun_over_push_checkpoint(capsys, cub, trained, tmp_path):
    out = Path(shutil.copytree(trained, tmp_path/'run'))
    run(['push', '--checkpoint', str(out/'best.pt'), '--out', str(out/'last.pt')])
    fails(capsys, ['train', '--data', cub, '--out', out, *TINY], "last.pt is a 'push' checkpoint, not a 'train' one")

# ---- row 13: a diverging run stops and saves nothing wrong ----
def test_nan_loss_stops_and_keeps_last_good_checkpoint(cub, tmp_path):
    from protonb.train import train_protopnet
    kw = dict(backbone='tiny', pretrained=False, image_size=32, batch_size=4, per_class=1, proto_dim=8, views=0, chunk=2, progress=False,
              log=lambda *a: None)
    with pytest.raises(FloatingPointError, match=r"warm step \d+: the loss is (nan|inf)"):
        train_protopnet(str(cub), tmp_path/'out', warm_steps=4, last_steps=2, lr_add_on=1e30, lr_prototypes=1e30, **kw)
    for f in (tmp_path/'out').glob('*.pt'):
        from protonb.core import check_finite
        check_finite(torch.load(f, weights_only=True)['model'].items())

# ---- "other cases": schedules without a last layer or a validation split still give a model and say so ----
def test_last_steps_zero_keeps_the_pushed_model(cub, tmp_path):
    s = run(['train', '--data', str(cub), '--out', str(tmp_path), *TINY, '--last-steps', '0'])
    assert s['best'] is not None and (tmp_path/'best.pt').is_file() and 'test_acc' in s

def test_val_fraction_zero_reports_no_validation_accuracy(capsys, cub, tmp_path):
    s = run(['train', '--data', str(cub), '--out', str(tmp_path), *TINY, '--val-fraction', '0'])
    assert s['val_acc'] is None and (tmp_path/'best.pt').is_file() and 'test_acc' in s
    assert 'no validation split' in capsys.readouterr().out

# ---- file modes follow the umask ----
def test_files_written_with_the_umask(trained):
    from protonb.core import umask
    for f in ('last.pt', 'best.pt', 'metrics.csv', 'metrics.json', 'summary.json'):
        assert (trained/f).stat().st_mode & 0o777 == 0o666 & ~umask(), f

# ---- rows 12a, 12b: kill -9 at any time, with loader workers, and in the middle of a checkpoint write ----
def _weights(path): return torch.load(path, weights_only=True)['model']

def _same(a: Path, b: Path):
    wa, wb = _weights(a/'last.pt'), _weights(b/'last.pt')
    assert wa.keys() == wb.keys() and all(torch.equal(wa[k], wb[k]) for k in wa)

SLOW_SAVE = """
import sys, time, torch
_save = torch.save
calls = []
def slow(obj, f, *a, **k):  # the second checkpoint is written in two halves with a pause between: the kill lands mid-write
    import io
    calls.append(1)
    if len(calls) != 2: return _save(obj, f, *a, **k)
    buf = io.BytesIO()
    _save(obj, buf, *a, **k)
    data = buf.getvalue()
    f.write(data[:len(data) // 2])
    f.flush()
    time.sleep(30)
    f.write(data[len(data) // 2:])
torch.save = slow
from protonb.cli import main
main(sys.argv[1:])
"""

@pytest.mark.parametrize('workers, mid_write', [(1, False), (0, True)])
def test_killed_run_resumes_exactly(cub, tmp_path, workers, mid_write):
    args = ['train', '--data', str(cub), *TINY, '--joint-steps', '4', '--workers', str(workers)]
    a, b = tmp_path/'straight', tmp_path/'killed'
    assert subprocess.run([str(BIN/'protonb'), *args, '--out', str(a)], capture_output=True).returncode == 0
    cmd = [sys.executable, '-c', SLOW_SAVE] if mid_write else [str(BIN/'protonb')]
    p = subprocess.Popen([*cmd, *args, '--out', str(b)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t, target = time.time(), '.last.pt.*.tmp' if mid_write else 'last.pt'
    while not list(b.glob(target)) and p.poll() is None and time.time() - t < 120: time.sleep(0.02)
    if mid_write: time.sleep(0.5)  # inside the pause: half a checkpoint is on disk
    p.send_signal(signal.SIGKILL)
    p.wait()
    if mid_write:  # half of the second checkpoint in its temporary file; last.pt still the first, whole
        assert list(b.glob('.last.pt.*.tmp')) and torch.load(b/'last.pt', weights_only=True)['step'] == 1
    r = subprocess.run([str(BIN/'protonb'), *args, '--out', str(b)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert not list(b.glob('.*.tmp')), 'a temporary file of the killed writer was left behind'
    _same(a, b)

# ---- row 14: disk full while writing a checkpoint: one line, the previous checkpoint intact ----
def test_disk_full_one_line_previous_checkpoint_intact(capsys, cub, tmp_path, monkeypatch):
    import errno
    save, calls = torch.save, []
    def full(obj, f, *a, **k):
        calls.append(1)
        if len(calls) == 2: raise OSError(errno.ENOSPC, 'No space left on device')
        return save(obj, f, *a, **k)
    monkeypatch.setattr(torch, 'save', full)
    fails(capsys, ['train', '--data', cub, '--out', tmp_path, *TINY], 'No space left on device')
    assert torch.load(tmp_path/'last.pt', weights_only=True)['step'] == 1 and not list(tmp_path.glob('.*.tmp'))

# ---- Ctrl-C: one line that says how to resume ----
def test_interrupt_one_line(cub, tmp_path):
    # SIGINT at its default in the child, even when the test run itself was started in the background (which ignores it)
    p = subprocess.Popen([str(BIN/'protonb'), 'train', '--data', str(cub), '--out', str(tmp_path), *TINY, '--warm-steps', '400'],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    t = time.time()
    while not (tmp_path/'last.pt').exists() and p.poll() is None and time.time() - t < 120: time.sleep(0.02)
    p.send_signal(signal.SIGINT)
    err = p.communicate(timeout=60)[1]
    assert p.returncode == 130 and 'interrupted; run the same command again to resume' in err and 'Traceback' not in err, err
