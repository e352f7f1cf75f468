"Run the papermill experiments with overridden parameters, and the main job (README command 1)."
import json, re, subprocess, sys
from pathlib import Path
import papermill as pm, pytest
from conftest import ROOT, shared_data
from protonb.test_utils import make_cub

EXP = ROOT/'nbs'/'experiments'

def _run(nb, out, **params):
    return pm.execute_notebook(str(EXP/nb), str(out), parameters=params, kernel_name='protonb', cwd=str(EXP), progress_bar=False)

def test_every_experiment_has_a_parameters_cell():
    for nb in sorted(EXP.glob('*.ipynb')):
        code = [c for c in json.loads(nb.read_text())['cells'] if c['cell_type'] == 'code']
        assert 'parameters' in code[0].get('metadata', {}).get('tags', []), f"{nb.name}: first code cell is not tagged 'parameters'"

def test_data_overview_synthetic(tmp_path):
    _run('00_data_overview.ipynb', tmp_path/'out.ipynb', out_dir=str(tmp_path), seed=3, n_samples=4, image_size=64)
    assert {'samples.png', 'class_counts.png', 'augmentation.png', 'sharing_graph.png'} <= {p.name for p in tmp_path.glob('*.png')}

def test_data_overview_tiny_cub_folder(tmp_path):
    root = make_cub(tmp_path/'cub')
    _run('00_data_overview.ipynb', tmp_path/'out.ipynb', dataset=str(root), crop=True, val_fraction=0.34, out_dir=str(tmp_path/'figs'), image_size=32)
    assert {p.name for p in (tmp_path/'figs').glob('*.png')} == {'samples.png', 'class_counts.png', 'augmentation.png'}

@pytest.mark.parametrize('params, msg', [(dict(warm_steps=-1), 'warm_steps must be an integer >= 0'), (dict(crop='false'), 'crop must be True or False'),
                                         (dict(backbone='alexnet'), 'backbone must be one of')])
def test_protopnet_experiment_bad_parameters(experiment_kernel, tmp_path, params, msg):
    "The notebook stops with an error naming the bad parameter (run in the shared kernel, as papermill runs it)."
    err = experiment_kernel.error(EXP/'01_protopnet.ipynb', out_dir=str(tmp_path), **params)
    assert err is not None and re.search(msg, err), err

@pytest.mark.parametrize('params, msg', [(dict(dataset='/no/such/folder'), 'dataset must be'), (dict(image_size=8), 'image_size'),
                                         (dict(crop='yes'), 'crop'), (dict(val_fraction=1.5), 'val_fraction')])
def test_data_overview_bad_parameters(experiment_kernel, tmp_path, params, msg):
    "The notebook stops with an error naming the bad parameter (run in the shared kernel, as papermill runs it)."
    err = experiment_kernel.error(EXP/'00_data_overview.ipynb', out_dir=str(tmp_path), **params)
    assert err is not None and re.search(msg, err), err

def test_main_job_synthetic(tmp_path):
    r = subprocess.run(['bash', str(ROOT/'tools'/'main.sh'), '--smoke', '--out', str(tmp_path), '--size', '64'], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    for f in ('00_data_overview.ipynb', '01_protopnet.ipynb', 'samples.png', 'accuracy_per_stage.png', 'prototypes.png', 'explanation.png',
              'protopnet/best.pt', 'protopnet/metrics.csv', 'results.json', '04_share.ipynb', 'share/fig6_accuracy_vs_prototypes.png',
              'share/class_graph.graphml', 'share/results.json', 'sharing_graph.png'):
        assert (tmp_path/f).is_file(), f

def test_main_job_cub50(tmp_path):
    cub = shared_data('cub50')
    r = subprocess.run(['bash', str(ROOT/'tools'/'main.sh'), '--smoke', '--data', str(cub), '--crop', '--out', str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    nb = json.loads((tmp_path/'00_data_overview.ipynb').read_text())
    assert any('1350' in ''.join(o.get('text', '')) for c in nb['cells'] for o in c.get('outputs', []))
    assert {'samples.png', 'class_counts.png', 'augmentation.png', 'explanation.png'} <= {p.name for p in tmp_path.glob('*.png')}
    assert json.loads((tmp_path/'protopnet'/'summary.json').read_text())['steps_done'] > 0

@pytest.mark.parametrize('args, msg', [(['--data', '/no/such'], "neither 'synthetic' nor a folder"), (['--seed', 'x'], '--seed'), (['--bogus'], 'unknown argument'), (['--warm-steps', '0', '--joint-steps', '0'], 'must be at least 1')])
def test_main_job_bad_arguments(args, msg):
    r = subprocess.run(['bash', str(ROOT/'tools'/'main.sh'), *args], capture_output=True, text=True)
    assert r.returncode == 2 and msg in r.stderr
