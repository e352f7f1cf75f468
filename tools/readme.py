"""Write README.md from nbs/index.ipynb (nbdev's `readme_nb`) without Quarto: markdown cells as they are, code cells
(except `#| hide`) as Python blocks with their stored text outputs. A stored figure (PNG or JPEG) is written to
nbs/images/readme_N.png|jpg and linked, so the README shows the picture the notebook made. `--check` exits 1 if
README.md or one of those images is out of date."""
import base64, json, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
IMAGES = Path('nbs')/'images'
EXT = {'image/png': 'png', 'image/jpeg': 'jpg'}

def _hidden(lines) -> bool:
    "Whether a code cell is `#| hide` or `#| exec_doc`."
    return any(l.strip().replace(' ', '') in ('#|hide', '#|exec_doc') for l in lines if l.startswith('#|'))

def _output(o, images: dict) -> str:
    "One stored output as README text: an image link (the image goes to `images`), or the text indented as a block."
    data = o.get('data', {})
    mime = next((m for m in EXT if m in data), None)
    if mime:
        path = IMAGES/f'readme_{len(images) + 1}.{EXT[mime]}'
        images[path] = base64.b64decode(''.join(data[mime]))
        return f'![]({path.as_posix()})\n'
    txt = ''.join(data.get('text/plain', '') if o['output_type'] in ('execute_result', 'display_data') else o.get('text', ''))
    return '    ' + txt.strip().replace('\n', '\n    ') + '\n' if txt.strip() else ''

def render(nb_path: Path) -> tuple:
    "README text and the images it links ({relative path: bytes})."
    out, images = ['<!-- Generated from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file. -->\n'], {}
    for c in json.loads(nb_path.read_text())['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            out.append(src.strip() + '\n')
            continue
        lines = src.splitlines()
        if _hidden(lines): continue
        code = '\n'.join(l for l in lines if not l.startswith('#|')).strip()
        if code: out.append(f'```python\n{code}\n```\n')
        out += [t for t in (_output(o, images) for o in c.get('outputs', [])) if t]
    return '\n'.join(out), images

def stale(text: str, images: dict) -> list:
    "The generated files that differ from what is on disk."
    files = {Path('README.md'): text.encode(), **images}
    return [p for p, b in files.items() if not (root/p).is_file() or (root/p).read_bytes() != b]

if __name__ == '__main__':
    text, images = render(root/'nbs'/'index.ipynb')
    if '--check' in sys.argv:
        bad = stale(text, images)
        if bad: print('out of date: ' + ', '.join(map(str, bad)))
        sys.exit(1 if bad else 0)
    (root/IMAGES).mkdir(parents=True, exist_ok=True)
    for p in (root/IMAGES).glob('readme_*'):
        if p.relative_to(root) not in images: p.unlink()
    for p, b in images.items(): (root/p).write_bytes(b)
    (root/'README.md').write_text(text)
