"""Write README.md from nbs/index.ipynb (nbdev's `readme_nb`) without Quarto: markdown cells as they are, code cells
(except `#| hide`) as Python blocks with their stored text outputs. `--check` exits 1 if README.md is out of date."""
import json, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def render(nb_path: Path) -> str:
    out = ['<!-- Generated from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file. -->\n']
    for c in json.loads(nb_path.read_text())['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown': out.append(src.strip() + '\n'); continue
        lines = src.splitlines()
        if any(l.strip().replace(' ', '') in ('#|hide', '#|exec_doc') for l in lines if l.startswith('#|')): continue
        code = '\n'.join(l for l in lines if not l.startswith('#|')).strip()
        if code: out.append(f'```python\n{code}\n```\n')
        for o in c.get('outputs', []):
            txt = ''.join(o.get('data', {}).get('text/plain', '') if o['output_type'] in ('execute_result', 'display_data') else o.get('text', ''))
            if txt.strip() and 'image/png' not in o.get('data', {}): out.append(f'    ' + txt.strip().replace('\n', '\n    ') + '\n')
    return '\n'.join(out)

if __name__ == '__main__':
    text, readme = render(root/'nbs'/'index.ipynb'), root/'README.md'
    if '--check' in sys.argv: sys.exit(0 if readme.is_file() and readme.read_text() == text else 1)
    readme.write_text(text)
