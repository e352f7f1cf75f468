"ProtoPNet learns: a short run on the synthetic world beats chance by a wide margin; a `slow data` one on cub50."
import json
from conftest import shared_data, flagged
from protonb.train import train_protopnet

QUIET = dict(progress=False, log=lambda *a: None)

def test_learns_on_the_synthetic_world(tmp_path):
    # 5 classes (chance 20%), ~27 training images each, ImageNet-pretrained EfficientNet-Lite0 (weights ship with a package),
    # frozen: 300 cached warm-up steps, one push, 100 last-layer steps. Measured: 60.7% test (seed 0); threshold with slack.
    s = train_protopnet('synthetic', tmp_path/'run', 'efficientnet_lite0', image_size=128, batch_size=16, per_class=3, proto_dim=64,
                        warm_steps=300, last_steps=100, views=2, data_kwargs=dict(n_classes=5, n_per_class=60, img_size=128),
                        cache_root=tmp_path/'cache', **QUIET)
    assert s['steps_done'] == s['steps_total']
    assert s['test_acc'] >= 0.45, f"test accuracy {s['test_acc']:.3f}: not far enough above chance (0.20)"

def test_learns_on_cub50(tmp_path):
    flagged('slow', 'data')
    cub = shared_data('cub50')
    # 50 classes (chance 2%), frozen EfficientNet-Lite0 at 224 px, the cpu preset: measured 64.8% test (600 warm-up steps); threshold 55%.
    s = train_protopnet(str(cub), tmp_path/'run', crop=True, image_size=224, cache_root=tmp_path/'cache', **QUIET)
    assert s['test_acc'] >= 0.55, json.dumps(s)
