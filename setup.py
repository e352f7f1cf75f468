"""Install protonb from `settings.ini` (the nbdev 2 layout).

A plain install is pure Python. The optional CUDA extension in `cuda/` is built only when asked
(`PROTONB_BUILD_CUDA=1`) and only where a CUDA toolkit is usable.
"""
import os, shlex
from configparser import ConfigParser
from pathlib import Path
import setuptools

assert setuptools.__version__ >= '36.2'
cfg = ConfigParser(delimiters=['='])
cfg.read('settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']
for o in 'version description keywords author author_email license min_python'.split(): assert o in cfg, f'settings.ini is missing `{o}`'

licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License')}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
py_versions = '3.10 3.11 3.12 3.13'.split()
lic = licenses[cfg['license'].lower()]
min_python = cfg['min_python']
requirements = shlex.split(cfg.get('requirements', ''))
dev_requirements = shlex.split(cfg.get('dev_requirements', ''))
console_scripts = [s.strip() for s in cfg.get('console_scripts', '').split() if s.strip()]

def _cuda_ext():
    "The CUDA extension of `cuda/`, when `PROTONB_BUILD_CUDA=1` and a CUDA toolkit is present; else nothing."
    if os.environ.get('PROTONB_BUILD_CUDA', '0') != '1': return {}
    from torch.utils.cpp_extension import BuildExtension, CUDAExtension, CUDA_HOME
    if CUDA_HOME is None: raise RuntimeError('PROTONB_BUILD_CUDA=1 but no CUDA toolkit was found (set CUDA_HOME)')
    srcs = sorted(str(p) for p in Path('cuda/csrc').iterdir() if p.suffix in ('.cpp', '.cu'))  # headers (.cuh) are included, not compiled
    if not srcs: return {}
    ext = CUDAExtension('protonb._C', srcs, extra_compile_args={'cxx': ['-O3'], 'nvcc': ['-O3']})
    return dict(ext_modules=[ext], cmdclass={'build_ext': BuildExtension})

setuptools.setup(
    name=cfg['lib_name'], license=lic[0],
    classifiers=['Development Status :: ' + statuses[int(cfg['status'])], 'Intended Audience :: ' + cfg['audience'].title(),
                 'Natural Language :: ' + cfg['language'].title()]
                + ['Programming Language :: Python :: ' + o for o in py_versions[py_versions.index(min_python):]]
                + ['License :: ' + lic[1]],
    url=cfg['git_url'], packages=setuptools.find_packages(include=['protonb', 'protonb.*']), include_package_data=True,
    install_requires=requirements, extras_require={'dev': dev_requirements}, python_requires='>=' + min_python,
    long_description=Path('README.md').read_text(encoding='utf-8') if Path('README.md').exists() else '',
    long_description_content_type='text/markdown', zip_safe=False,
    entry_points={'console_scripts': console_scripts, 'nbdev': [f'{cfg["lib_path"]}={cfg["lib_path"]}._modidx:d']},
    version=cfg['version'], description=cfg['description'], keywords=cfg['keywords'],
    author=cfg['author'], author_email=cfg['author_email'],
    **_cuda_ext())
