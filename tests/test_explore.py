"The prototype explorer on a saved checkpoint: widgets driven from Python, and the launcher notebook run in a real kernel."
import json
import pytest, torch
from protonb.train import train_protopnet
from protonb.explain import Explorer, explore, explore_notebook, explain

TINY = dict(backbone='tiny', pretrained=False, image_size=64, batch_size=8, per_class=2, proto_dim=16, warm_steps=20, joint_steps=0,
            last_steps=10, views=1, chunk=10, data_kwargs=dict(n_classes=4, n_per_class=12, img_size=96), progress=False, log=lambda *a: None)

@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    d = tmp_path_factory.mktemp('run')
    train_protopnet('synthetic', d/'run', cache_root=d/'cache', **TINY)
    return d/'run'/'best.pt'

def test_explore_a_checkpoint(checkpoint):
    ui = explore(checkpoint, top_classes=2)
    assert isinstance(ui, Explorer) and ui.summary.value.startswith('<b>test image 0</b>')
    names = ui.test.classes
    first = (ui.summary.value, ui.class_view.value, ui.klass.value)
    ui.image.value = 13                                   # an image of another class
    x, y = ui.test[13]
    top = int(explain(ui.model, x).classes[0])
    assert ui.klass.value == top and f'label {names[y]}' in ui.summary.value and f'predicted <b>{names[top]}</b>' in ui.summary.value
    assert (ui.summary.value, ui.class_view.value) != first[:2] and ui.class_view.value[:2] == b'\xff\xd8'  # a new JPEG panel
    ui.klass.value = (top + 1) % 4                        # another class: its own prototype is selected and named
    assert ui.model.identity[ui.proto.value, ui.klass.value] == 1
    assert f'belongs to {names[ui.klass.value]}' in ui.proto_info.value and ui.proto_view.value[:2] == b'\xff\xd8'

def test_explore_a_checkpoint_with_shared_prototypes(checkpoint, tmp_path):
    ck = torch.load(checkpoint, weights_only=False)
    ck['model']['prototype_layer.identity'][0, 3] = 1.    # prototype 0 shared by classes 0 and 3, as after a ProtoPShare merge
    torch.save(ck, tmp_path/'shared.pt')
    ui = explore(tmp_path/'shared.pt')
    ui.klass.value = 3 if ui.klass.value != 3 else 0
    ui.proto.value = 1
    ui.proto.value = 0
    assert 'class_00 (connection' in ui.proto_info.value and 'class_03 (connection' in ui.proto_info.value

def test_explore_bad_input(tmp_path):
    (tmp_path/'x.pt').write_bytes(b'junk')
    with pytest.raises(ValueError, match='not a protonb checkpoint'): explore(tmp_path/'x.pt')
    with pytest.raises(ValueError, match='checkpoint:'): explore_notebook(tmp_path/'none.pt', tmp_path/'e.ipynb')

def test_launcher_notebook_runs(checkpoint, tmp_path):
    "The notebook `protonb explore` opens: its cell runs in a real kernel and shows a live explorer widget."
    import nbformat
    from nbclient import NotebookClient
    from jupyter_client.kernelspec import KernelSpecManager
    kernel = 'protonb' if 'protonb' in KernelSpecManager().find_kernel_specs() else 'python3'
    nb_path = explore_notebook(checkpoint, tmp_path/'explore.ipynb', kernel=kernel)
    nb = nbformat.read(nb_path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name=kernel, resources={'metadata': {'path': str(tmp_path)}}).execute()
    outs = nb.cells[1].outputs
    assert not [o for o in outs if o.output_type == 'error'], outs
    view = [o for o in outs if 'application/vnd.jupyter.widget-view+json' in o.get('data', {})]
    assert len(view) == 1, json.dumps(outs)[:2000]
