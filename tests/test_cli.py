"The `protonb` command: training as a console script (a killed run resumed bit-identically, DDP with gloo on 2 processes); help, bad arguments and the other subcommands through its entry point in-process."
import json, os, shutil, signal, subprocess, sys, time
from pathlib import Path
import pytest, torch
from conftest import ROOT
from protonb.test_utils import TINY_CLI

BIN = Path(sys.executable).parent
TINY = [*TINY_CLI, '--warm-steps', '20', '--joint-steps', '4', '--last-steps', '10', '--views', '1', '--chunk', '5']

def cli(*args, check=True):
    r = subprocess.run([str(BIN/'protonb'), *map(str, args)], capture_output=True, text=True)
    if check: assert r.returncode == 0, r.stderr[-3000:]
    return r

def entry_point(capsys, *args):
    "Run the console script's entry point `protonb.cli.main` in this process (no interpreter start): its exit status, stdout and stderr."
    from protonb.cli import main
    code = 0
    try: main([str(a) for a in args])
    except SystemExit as e: code = e.code
    out = capsys.readouterr()
    return code, out.out, out.err

def here(capsys, *args) -> str:
    "The stdout of a successful `entry_point` run."
    code, out, err = entry_point(capsys, *args)
    assert code == 0, err[-3000:]
    return out

@pytest.mark.parametrize('cmd', ['train', 'evaluate', 'push', 'prune', 'explain', 'explore'])
def test_help(capsys, cmd):
    code, out, err = entry_point(capsys, cmd, '--help')
    assert code == 0 and out.startswith(f'usage: protonb {cmd}') and '--help' in out, err

@pytest.mark.parametrize('args, msg', [
    (['train', '--out', 'x', '--data', '/no/such'], "'/no/such' is neither 'synthetic' nor a dataset folder"),
    (['train', '--out', 'x', '--batch-size', '-3'], '--batch-size must be a positive integer'),
    (['train', '--out', 'x', '--backbone', 'resnet9'], "invalid choice: 'resnet9'"),
    (['train', '--out', 'x', '--warm-steps', 'ten'], '--warm-steps must be an integer >= 0'),
    (['evaluate', '--checkpoint', '/no/such.pt'], 'checkpoint /no/such.pt does not exist'),
    (['frobnicate'], 'invalid choice')])
def test_bad_arguments(capsys, args, msg):
    code, out, err = entry_point(capsys, *args)
    assert code == 2 and msg in err, err

def test_not_a_checkpoint(tmp_path):
    (tmp_path/'x.pt').write_bytes(b'junk')
    r = cli('evaluate', '--checkpoint', tmp_path/'x.pt', check=False)
    assert r.returncode == 2 and 'x.pt is not a protonb checkpoint' in r.stderr

@pytest.fixture(scope='module')
def tiny_run(tmp_path_factory):
    "A finished `protonb train` run with the TINY settings (made once; tests that write beside it work on a copy)."
    out = tmp_path_factory.mktemp('tiny-run')
    cli('train', *TINY, '--out', out)
    return out

def _weights(path):
    return torch.load(path, weights_only=True)['model']

def test_killed_run_resumes_bit_identically(tiny_run, tmp_path):
    a, b = tiny_run, tmp_path/'killed'
    p = subprocess.Popen([str(BIN/'protonb'), 'train', *TINY, '--out', str(b)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t = time.time()
    while not (b/'last.pt').exists() and p.poll() is None and time.time() - t < 120: time.sleep(0.05)
    p.send_signal(signal.SIGKILL); p.wait()
    done = torch.load(b/'last.pt', weights_only=True)['step']  # never half-written, whenever the kill came
    cli('train', *TINY, '--out', b)  # resumes from last.pt
    assert not list(b.glob('.*.tmp')), 'a temporary file of the killed writer was left behind'
    wa, wb = _weights(a/'last.pt'), _weights(b/'last.pt')
    assert done < 8 and all(torch.equal(wa[k], wb[k]) for k in wa), f'killed after step {done}: weights differ'
    ha, hb = json.loads((a/'metrics.json').read_text()), json.loads((b/'metrics.json').read_text())
    assert [h['stage'] for h in ha] == [h['stage'] for h in hb]

def test_evaluate_push_prune_explain(capsys, tiny_run, tmp_path):
    shutil.copytree(tiny_run, tmp_path, dirs_exist_ok=True)
    best = tmp_path/'best.pt'
    acc = json.loads(here(capsys, 'evaluate', '--checkpoint', best, '--split', 'val'))['val_acc']
    assert acc == json.loads((tmp_path/'summary.json').read_text())['val_acc']
    here(capsys, 'push', '--checkpoint', best, '--out', tmp_path/'pushed.pt')
    r = json.loads(here(capsys, 'prune', '--checkpoint', best, '--out', tmp_path/'pruned.pt', '--k', '3', '--tau', '3'))
    assert r['prototypes_after'] < r['prototypes_before'] == 8  # tau = k: a prototype stays only if its 3 nearest patches are all of its class
    from protonb.train import load_run
    from protonb.prune import prune_mask
    model, ls, ck = load_run(best)
    keep, _ = prune_mask(model.forward_features, model.prototypes, model.identity, ls['push'], 3, 3)
    assert r['prototypes_after'] == int(keep.sum()) and ck['kind'] == 'train'
    pruned, ls, ck = load_run(tmp_path/'pruned.pt')
    with torch.no_grad(): correct = sum(int((pruned(x)[0].argmax(1) == y).sum()) for x, y in ls['test'])
    assert json.loads(here(capsys, 'evaluate', '--checkpoint', tmp_path/'pruned.pt'))['test_acc'] == correct / len(ls['test'].dataset)
    assert ck['kind'] == 'prune' and pruned.n_prototypes == r['prototypes_after']
    nb = json.loads(here(capsys, 'explore', '--checkpoint', best, '--no-browser'))['notebook']
    assert f"explore({str(best.resolve())!r})" in ''.join(json.loads(Path(nb).read_text())['cells'][1]['source'])
    r = json.loads(here(capsys, 'explain', '--checkpoint', best, '--index', '1', '--out', tmp_path/'e.png'))
    assert (tmp_path/'e.png').stat().st_size > 1000 and 0 <= r['predicted'] < 4

def test_ddp_gloo_two_processes(tmp_path):
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    r = subprocess.run([str(BIN/'torchrun'), '--nproc_per_node', '2', '--master_port', '29517', '-m', 'protonb.cli', 'train', *TINY,
                        '--out', str(tmp_path)], capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    s = json.loads((tmp_path/'summary.json').read_text())
    assert s['world_size'] == 2 and s['steps_done'] == s['steps_total']
    src = torch.load(tmp_path/'last.pt', weights_only=True)['model']['proto_source'][:, 0]
    assert (src >= 0).all()  # every prototype was pushed, each from the global argmin over both ranks' shards (checked below)
    from protonb.train import load_run
    from protonb.prototypes import l2_distances
    model, ls, _ = load_run(tmp_path/'last.pt')
    with torch.no_grad():
        z = torch.cat([model.forward_features(x) for x, _ in ls['push']]); y = torch.cat([y for _, y in ls['push']])
        d = l2_distances(z, model.prototypes).flatten(2).amin(-1)
    own = model.identity[:, y].T.bool()
    assert torch.allclose(d.masked_fill(~own, float('inf')).amin(0), torch.zeros(model.n_prototypes), atol=1e-4)
    assert (y[src] == model.identity.argmax(1)).all()

def test_mixed_precision_trains(tmp_path):
    cli('train', *TINY, '--amp', '--out', tmp_path)
    s = json.loads((tmp_path/'summary.json').read_text())
    assert s['steps_done'] == s['steps_total'] and torch.load(tmp_path/'last.pt', weights_only=True)['train_config']['amp'] is True
    from protonb.train import load_run, evaluate
    model, ls, _ = load_run(tmp_path/'best.pt')
    assert evaluate(model, ls['test'], amp=True) == s['test_acc']  # the summary's number is the selected model's, under autocast

def test_deformable_train_and_evaluate(capsys, tmp_path):
    "Deformable ProtoPNet through the same command: trained, selected on validation, evaluated like any checkpoint."
    s = json.loads(cli('train', *TINY, '--arch', 'deformable', '--model-arg', 'proto_size=2', '--out', tmp_path).stdout)
    assert s['steps_done'] == s['steps_total'] and torch.load(tmp_path/'best.pt', weights_only=True)['arch'] == 'deformable'
    acc = json.loads(here(capsys, 'evaluate', '--checkpoint', tmp_path/'best.pt', '--split', 'val'))['val_acc']
    assert acc == s['val_acc']
    code, out, err = entry_point(capsys, 'explain', '--checkpoint', tmp_path/'best.pt', '--out', tmp_path/'e.png')
    assert code == 2 and "holds a 'deformable' model, expected architecture 'protopnet'" in err, err
