"Run the Deformable ProtoPNet experiment (nbs/experiments/05_deformable.ipynb) with papermill at smoke scale, and its parameter checks."
import json, re, subprocess
import papermill as pm, pytest
from conftest import ROOT

EXP = ROOT/'nbs'/'experiments'
VARIANTS = ['deformable', 'nd', 'protopnet', 'nd_no_ortho', 'no_ortho', 'no_margin_no_ortho', 'no_margin']

def _run(out, **params):
    return pm.execute_notebook(str(EXP/'05_deformable.ipynb'), str(out), parameters=params, kernel_name='protonb', cwd=str(EXP), progress_bar=False)

@pytest.fixture(scope='module')
def main_job(tmp_path_factory):
    "One `bash tools/main.sh --method deformable --smoke` run (its experiment run passes only the notebook's defaults): the process and its output folder."
    out = tmp_path_factory.mktemp('deformable-main-job')
    r = subprocess.run(['bash', str(ROOT/'tools'/'main.sh'), '--method', 'deformable', '--smoke', '--out', str(out)], capture_output=True, text=True)
    return r, out

def test_deformable_experiment_smoke(main_job):
    "The experiment at its default (smoke) parameters, as the main job's smoke run executes it with papermill."
    proc, out = main_job
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert {'accuracy.png', 'explanation.png', 'prototypes.png', 'tracking.png', 'results.json'} <= {p.name for p in out.iterdir() if p.is_file()}
    r = json.loads((out/'results.json').read_text())
    rows = {t['variant']: t for t in r['table']}
    assert list(rows) == VARIANTS + ['linear_baseline']
    assert all(0 <= t['val_acc'] <= 1 and 0 <= t['test_acc'] <= 1 and t['seconds'] > 0 for t in rows.values())
    assert (rows['nd']['deformations'], rows['no_margin']['margin'], rows['no_ortho']['ortho'], rows['deformable']['margin']) == (False, 0., 0., 0.1)
    assert set(r['tracking']) == set(VARIANTS) - {'protopnet'}
    nd, de = r['tracking']['nd'], r['tracking']['deformable']
    assert nd['shift_px'] == 0 and nd['corr_needed'] is None and nd['dist_grid_px'] == nd['dist_deformed_px']   # no offsets, nothing moves
    assert de['shift_px'] > 0 and -1 <= de['corr_needed'] <= 1 and -1 <= de['null_needed'] <= 1 and de['n'] > 0
    assert r['settings']['head_steps'] == 20 and r['settings']['data_kwargs']['n_classes'] == 4

def test_deformable_experiment_rerun_only_redraws(tmp_path):
    params = dict(out_dir=str(tmp_path), variants=['nd'], baseline=False, warm_steps=4, head_steps=2, last_steps=2)
    _run(tmp_path/'a.ipynb', **params)
    first = json.loads((tmp_path/'results.json').read_text())
    _run(tmp_path/'b.ipynb', **params)                      # every run resumes from its finished checkpoint
    again = json.loads((tmp_path/'results.json').read_text())
    assert again['table'] == first['table'] and again['tracking'] == first['tracking']

@pytest.mark.parametrize('params, msg', [(dict(variants=['cosine']), 'variants'), (dict(variants=[]), 'variants'), (dict(proto_size=4), 'proto_size'),
                                         (dict(ortho=-1.0), 'ortho'), (dict(margin=2.0), 'margin'), (dict(warm_steps=-1), 'warm_steps'),
                                         (dict(warm_steps=0, head_steps=0), 'at least 1'), (dict(n_perm=0), 'n_perm'), (dict(lr_offsets=-1.0), 'lr_offsets'), (dict(baseline='yes'), 'baseline'),
                                         (dict(backbone='alexnet'), 'backbone'), (dict(dataset='/no/such/folder'), 'data')])
def test_deformable_experiment_bad_parameters(experiment_kernel, tmp_path, params, msg):
    "The notebook stops with an error naming the bad parameter (run in the shared kernel, as papermill runs it)."
    err = experiment_kernel.error(EXP/'05_deformable.ipynb', out_dir=str(tmp_path), **params)
    assert err is not None and re.search(msg, err), err

def test_main_job_deformable_smoke(main_job):
    "`bash tools/main.sh --method deformable --smoke`: the data overview and the deformable experiment, results.json with every variant."
    proc, out = main_job
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert {'00_data_overview.ipynb', '05_deformable.ipynb', 'explanation.png', 'tracking.png'} <= {p.name for p in out.iterdir()}
    assert [t['variant'] for t in json.loads((out/'results.json').read_text())['table']][:len(VARIANTS)] == VARIANTS

@pytest.mark.parametrize('args, msg', [(['--method', 'cosine'], '--method must be protopnet or deformable'),
                                       (['--head-steps', '5'], '--head-steps applies to --method deformable only')])
def test_main_job_method_arguments(args, msg):
    r = subprocess.run(['bash', str(ROOT/'tools'/'main.sh'), *args], capture_output=True, text=True)
    assert r.returncode == 2 and msg in r.stderr, r.stderr
