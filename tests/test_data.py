"Bad input for every dataset format: one clear error naming the file (and line), found when the dataset is built."
import shutil, warnings
from pathlib import Path
import numpy as np, pytest
from PIL import Image
from conftest import shared_data
from protonb.data import CUB200, StanfordCars, StanfordDogs, ImageFolderSplit, DatasetError, get_dataset, read_image
from protonb.test_utils import make_cub, make_cars, make_dogs, make_imagefolder

@pytest.fixture
def cub(tmp_path): return make_cub(tmp_path/'cub')

def _replace(f: Path, old, new): f.write_text(f.read_text().replace(old, new))

def test_missing_metadata_file(cub):
    (cub/'train_test_split.txt').unlink()
    with pytest.raises(DatasetError, match='train_test_split.txt is missing'): CUB200(cub)

def test_root_not_a_dataset(tmp_path):
    with pytest.raises(DatasetError, match='not a CUB-style dataset folder'): CUB200(tmp_path)
    with pytest.raises(DatasetError, match='not a dataset folder'): get_dataset(tmp_path)
    with pytest.raises(DatasetError, match='does not exist'): get_dataset(tmp_path/'nope')

def test_ids_disagree(cub):
    _replace(cub/'bounding_boxes.txt', '\n5 ', '\n55 ')
    with pytest.raises(DatasetError, match=r'bounding_boxes.txt line 5: id 55 is not in images.txt'): CUB200(cub)

def test_duplicate_id_and_bad_fields(cub):
    with open(cub/'images.txt', 'a') as f: f.write('3 001.Class_1/x.jpg\n')
    with pytest.raises(DatasetError, match=r'images.txt line 19: id 3 already appears on line 3'): CUB200(cub)

def test_bad_split_flag(cub):
    _replace(cub/'train_test_split.txt', '\n2 0\n', '\n2 7\n')
    with pytest.raises(DatasetError, match=r'train_test_split.txt line 2'): CUB200(cub)

def test_class_without_training_images(cub):
    lines = (cub/'train_test_split.txt').read_text().splitlines()
    (cub/'train_test_split.txt').write_text('\n'.join(f'{l.split()[0]} 0' if int(l.split()[0]) > 12 else l for l in lines) + '\n')
    with pytest.raises(DatasetError, match=r'classes.txt line 3: class 3 has no training images'): CUB200(cub)

def test_missing_image_named_with_line(cub):
    (cub/'images'/'002.Class_2'/'Class_2_0003.jpg').unlink()
    with pytest.raises(DatasetError, match=r'images.txt line 10 \(002.Class_2/Class_2_0003.jpg\)'): CUB200(cub, 'test')

def test_zero_area_and_out_of_range_boxes(cub):
    _replace(cub/'bounding_boxes.txt', '\n2 5.0 3.0 20.0 16.0', '\n2 -10 -10 30 100')  # out of range: clipped
    assert CUB200(cub, 'test', crop=True)[0][0].size == (20, 32)
    _replace(cub/'bounding_boxes.txt', '\n2 -10 -10 30 100', '\n2 5 3 0 16')  # zero area: error at build time
    with pytest.raises(DatasetError, match=r'images.txt line 2 .* has no area'): CUB200(cub, 'test', crop=True)

def test_corrupt_image_found_when_read_and_skippable(cub):
    f = cub/'images'/'001.Class_1'/'Class_1_0002.jpg'; f.write_bytes(f.read_bytes()[:200])
    ds = CUB200(cub, val_fraction=0)
    with pytest.raises(DatasetError, match='Class_1_0002.jpg'): ds[1]
    with pytest.warns(UserWarning, match=r'skipping 1 unreadable image\(s\): .*Class_1_0002.jpg'): ds = CUB200(cub, val_fraction=0, skip_unreadable=True)
    assert len(ds) == 8

@pytest.mark.parametrize('mode', ['L', 'CMYK', 'RGBA', 'P', 'I;16'])
def test_odd_modes_convert(tmp_path, mode):
    im = Image.new('RGB', (6, 5), (10, 200, 30)).convert(mode) if mode != 'I;16' else Image.new('I;16', (6, 5), 300)
    f = tmp_path/('x.png' if mode != 'CMYK' else 'x.jpg'); im.save(f)
    assert read_image(f).mode == 'RGB'

def test_cars_bad_class_and_missing_mat(tmp_path):
    from scipy.io import loadmat, savemat
    root = make_cars(tmp_path/'cars')
    (root/'cars_test_annos_withlabels.mat').unlink()
    assert len(StanfordCars(root, 'train', val_fraction=0)) == 12
    with pytest.raises(DatasetError, match='cars_test_annos_withlabels.mat is missing'): StanfordCars(root, 'test')
    with pytest.raises(DatasetError, match='not a Stanford Cars folder'): StanfordCars(tmp_path)
    (root/'cars_train'/'00001.jpg').unlink()
    with pytest.raises(DatasetError, match=r'cars_train_annos.mat record 1 \(00001.jpg\)'): StanfordCars(root)

def test_dogs_and_imagefolder_errors(tmp_path):
    root = make_dogs(tmp_path/'dogs')
    ann = next((root/'Annotation').rglob('*_0')); ann.write_text('<annotation></annotation>')
    with pytest.raises(DatasetError, match='no object box'): StanfordDogs(root, crop=True, val_fraction=0)
    assert len(StanfordDogs(root, val_fraction=0)) == 6  # boxes are read only when cropping
    ifr = make_imagefolder(tmp_path/'if'); shutil.rmtree(ifr/'train'/'class_1'); (ifr/'train'/'class_1').mkdir()
    with pytest.raises(DatasetError, match="class 'class_1' has no images"): ImageFolderSplit(ifr)

def test_bad_split_name(cub):
    with pytest.raises(ValueError, match='split must be one of'): CUB200(cub, 'validation')

def test_cub50_and_cars20_load():
    cub, cars = shared_data('cub50'), shared_data('cars20')
    assert (len(CUB200(cub, 'train', val_fraction=0)), len(CUB200(cub, 'test'))) == (1500, 1389)
    tr, va = CUB200(cub), CUB200(cub, 'val')
    assert not set(tr.files) & set(va.files) and np.bincount(va.targets).tolist() == [3] * 50
    ds = CUB200(cub, 'train', crop=True)
    for i in (0, len(ds) - 1): assert min(ds[i][0].size) > 8
    assert len(CUB200(cars, 'test', crop=True)) == 404 and len(CUB200(cars).classes) == 20
