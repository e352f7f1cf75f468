"""Execute notebooks in place so their stored outputs (the docs) come from running the code.
Cells flagged `data` (real datasets on disk, not ours to publish), `cuda` or `eval: false` are not run and keep no outputs; everything else keeps its
outputs, so keep figures small. Usage: .venv/bin/python tools/refresh_outputs.py nbs/01_data.ipynb [...]"""
import sys, nbformat
from pathlib import Path
from nbclient import NotebookClient

FLAGS = ('data', 'cuda')
for p in map(Path, sys.argv[1:]):
    nb = nbformat.read(p, as_version=4)
    flagged = lambda src: any(l.strip() in [f'#| {f}' for f in FLAGS] + ['#| eval: false'] for l in src.splitlines())
    skip = [c for c in nb.cells if c.cell_type == 'code' and flagged(c.source)]
    for c in skip: c.metadata['protonb_skip'] = True
    runnable = nbformat.from_dict(nb); runnable.cells = [c for c in nb.cells if not c.metadata.get('protonb_skip')]
    NotebookClient(runnable, timeout=600, kernel_name='protonb', resources={'metadata': {'path': str(p.parent)}}).execute()
    it = iter(runnable.cells)
    for i, c in enumerate(nb.cells):
        if c.metadata.pop('protonb_skip', None): c.outputs, c.execution_count = [], None
        else: nb.cells[i] = next(it)
    nbformat.write(nb, p); print('refreshed', p)
