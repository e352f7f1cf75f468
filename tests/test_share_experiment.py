"Run the ProtoPShare experiment (nbs/experiments/04_share.ipynb) with papermill at smoke scale, and its parameter checks."
import json, re
import papermill as pm, pytest
from conftest import ROOT

EXP = ROOT/'nbs'/'experiments'

def _run(out, **params):
    return pm.execute_notebook(str(EXP/'04_share.ipynb'), str(out), parameters=params, kernel_name='protonb', cwd=str(EXP), progress_bar=False)

def test_share_experiment_smoke(tmp_path):
    _run(tmp_path/'out.ipynb', out_dir=str(tmp_path))
    names = {p.name for p in tmp_path.iterdir() if p.is_file()}
    assert {'fig6_accuracy_vs_prototypes.png', 'fig7_zeta.png', 'fig8_perturbations.png', 'fig10_patches.png', 'class_graph.png',
            'class_graph.graphml', 'results.json'} <= names
    r = json.loads((tmp_path/'results.json').read_text())
    P0, final = r['start']['n_prototypes'], r['sweeps']['dd']['rows'][-1]['n_prototypes']
    assert final == P0 // 2                                    # target 0.5
    for m in ('dd', 'di', 'random'):
        rows = r['sweeps'][m]['rows']
        assert [x['n_prototypes'] for x in rows] == sorted({x['n_prototypes'] for x in rows}, reverse=True)  # one row per step, decreasing
        assert all(0 <= x['patch_acc'] <= 1 and 0 <= x['chance'] <= 1 for x in rows)
    assert [t['n_prototypes'] for t in r['table1'][:3]] == [final] * 3
    assert {x['kind'] for x in r['fig8']['rows']} == {'none', 'brightness', 'contrast', 'saturation', 'hue', 'perspective'}
    assert r['benchmark']['ratio'] > 0 and '<graphml' in (tmp_path/'class_graph.graphml').read_text()

@pytest.mark.parametrize('params, msg', [(dict(checkpoint='/no/such.pt'), 'checkpoint'), (dict(target=1.0), 'target'),
                                         (dict(zetas=[5.0, 0.0]), 'zetas'), (dict(methods=['cos']), 'methods'),
                                         (dict(strategies={'h': 3}), 'strategies'), (dict(magnitudes=[2.0]), 'magnitudes'),
                                         (dict(warm_steps=-1), 'warm_steps'), (dict(top_k=0), 'top_k')])
def test_share_experiment_bad_parameters(experiment_kernel, tmp_path, params, msg):
    "The notebook stops with an error naming the bad parameter (run in the shared kernel, as papermill runs it)."
    err = experiment_kernel.error(EXP/'04_share.ipynb', out_dir=str(tmp_path), **params)
    assert err is not None and re.search(msg, err), err
