"""The docs site (tools/docs.sh): every notebook has its page, and the figures stored in notebooks appear in it.

The site of the repository is built once per session, or reused when PROTONB_DOCS_BUILT=1 says that the test command
has just built it. Notebooks are committed without outputs, so the figure path is also checked end to end on a small
project in a temporary folder: the repository's _quarto.yml and tools/, and a few notebooks, one holding a PNG figure.
"""
import base64, binascii, importlib.util, io, json, os, re, shutil, subprocess
from pathlib import Path
import pytest, yaml
from conftest import ROOT

PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


def notebooks(nbs: Path) -> list[Path]:
    "The notebooks that get a page: under `nbs`, none in a folder or file whose name starts with `_` or `.`."
    return sorted(p.relative_to(nbs) for p in nbs.rglob('*.ipynb') if not any(s.startswith(('_', '.')) for s in p.relative_to(nbs).parts))


def front_matter(nb: dict) -> dict:
    "The YAML of the raw front-matter cell that nbdev's processing puts first."
    cell = (nb.get('cells') or [{}])[0]
    m = re.match(r'\s*---\n(.*?)\n---', ''.join(cell.get('source', '')), re.S) if cell.get('cell_type') == 'raw' else None
    fm = yaml.safe_load(m.group(1)) if m else None
    return fm if isinstance(fm, dict) else {}


def page_of(rel: Path, proc: Path) -> Path:
    "The page of notebook `rel`: nbdev's `output-file` (`00_core.ipynb` -> `core.html`), else its name with `.html`."
    p = proc/rel
    name = front_matter(json.loads(p.read_text(encoding='utf-8'))).get('output-file') if p.exists() else None
    return rel.parent/name if name else rel.with_suffix('.html')


def shown_pngs(nb: dict) -> list[bytes]:
    "The PNG (or JPEG) outputs of the cells that the page shows (nbdev has already removed hidden cells from the processed notebook)."
    out = []
    for c in nb.get('cells', []):
        if c.get('cell_type') != 'code': continue
        src, tags = ''.join(c.get('source', '')), set(c.get('metadata', {}).get('tags', []))
        if re.search(r'^#\|\s*(output|include)\s*:\s*false', src, re.M | re.I) or tags & {'remove-cell', 'remove-output'}: continue
        for o in c.get('outputs', []):
            data = o.get('data') or {}
            img = data.get('image/png') or data.get('image/jpeg')  # a figure shown as JPEG is shown in the page as JPEG
            if img: out.append(base64.b64decode(''.join(img) if isinstance(img, list) else img))
    return out


def page_images(page: Path, docs: Path) -> list[bytes]:
    "The bytes of every picture an `<img>` of `page` shows: an inline data URI, or a file of the site (missing: skipped)."
    out = []
    for src in re.findall(r'<img\b[^>]*?\ssrc="([^"]+)"', page.read_text(encoding='utf-8')):
        if m := re.match(r'data:image/[\w+.-]+;base64,(.*)', src, re.S):
            try: out.append(base64.b64decode(m.group(1)))
            except binascii.Error: pass  # a broken picture shows nothing
        elif not re.match(r'^[a-z]+:', src) and (f := (docs/src if src.startswith('/') else page.parent/src).resolve()).is_file() \
                and docs.resolve() in f.parents: out.append(f.read_bytes())
    return out


def sidebar_links(page: Path) -> list[str]:
    "The links of the sidebar of `page`, in order."
    html = page.read_text(encoding='utf-8')
    i = html.find('id="quarto-sidebar"')
    assert i >= 0, f'{page} has no sidebar'
    return [h.removeprefix('./') for h in re.findall(r'href="([^"#]+\.html)"', html[i:html.find('</nav>', i)])]


def build(root: Path, **env):
    r = subprocess.run(['bash', 'tools/docs.sh'], cwd=root, capture_output=True, text=True, env={**os.environ, **env})
    assert r.returncode == 0, f'tools/docs.sh failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-6000:]}'
    return r


def check_site(root: Path):
    "Every notebook under nbs/ has its page; every PNG the page should show is there. Returns {notebook: page}."
    nbs, proc, docs = root/'nbs', root/'_proc', root/'_docs'
    assert (docs/'index.html').is_file() or any(docs.rglob('*.html')), f'{docs} holds no pages'
    pages, missing, no_fig = {}, [], []
    for rel in notebooks(nbs):
        page = docs/page_of(rel, proc)
        pages[rel] = page
        if not page.is_file(): missing.append(f'{rel} -> {page.relative_to(docs)}'); continue
        shown = proc/rel if (proc/rel).exists() else nbs/rel
        want, got = shown_pngs(json.loads(shown.read_text(encoding='utf-8'))), page_images(page, docs)
        no_fig += [f'{rel}: figure {k} of {len(want)}' for k, png in enumerate(want) if png not in got]
    assert not missing, 'notebooks without a page: ' + ', '.join(missing)
    assert not no_fig, 'figures missing from their page: ' + ', '.join(no_fig)
    return pages


@pytest.fixture(scope='session')
def site():
    "The repository's site in _docs/: built here, or reused when PROTONB_DOCS_BUILT=1."
    if os.environ.get('PROTONB_DOCS_BUILT') == '1' and (ROOT/'_docs').is_dir(): return ROOT
    build(ROOT)
    return ROOT


def test_every_notebook_has_its_page(site):
    assert notebooks(site/'nbs'), 'no notebooks in nbs/'
    check_site(site)


def test_sidebar_lists_every_page(site):
    index = site/'_docs'/'index.html'
    if not index.is_file(): pytest.skip('no nbs/index.ipynb yet')
    links = {(index.parent/h).resolve() for h in sidebar_links(index)}
    pages = {rel: site/'_docs'/page_of(rel, site/'_proc') for rel in notebooks(site/'nbs')}
    unlisted = [str(r) for r, p in pages.items() if p.resolve() not in links]
    assert not unlisted, f'notebooks missing from the sidebar (see the sidebar globs in _quarto.yml): {unlisted}'


# ---- the figure path, end to end, on a small project in a temporary folder


def _nb(*cells) -> dict:
    return {'cells': list(cells), 'metadata': {'kernelspec': {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'}},
            'nbformat': 4, 'nbformat_minor': 5}

def _md(s): return {'cell_type': 'markdown', 'metadata': {}, 'source': s}

def _code(s, *outputs): return {'cell_type': 'code', 'execution_count': 1, 'metadata': {}, 'outputs': list(outputs), 'source': s}


def _png_output(color: str) -> tuple[dict, bytes]:
    "A matplotlib figure as a notebook stores it: a display_data output with `image/png`."
    from matplotlib.figure import Figure  # no pyplot: no global backend state
    fig = Figure(figsize=(1.5, 1)); fig.subplots().plot([0, 1, 2], [0, 1, 0], color=color)
    buf = io.BytesIO(); fig.savefig(buf, format='png', dpi=40)
    png = buf.getvalue()
    return {'output_type': 'display_data', 'metadata': {}, 'data': {'image/png': base64.b64encode(png).decode(),
            'text/plain': '<Figure size 150x100 with 1 Axes>'}}, png


@pytest.fixture(scope='module')
def fig_project(tmp_path_factory):
    "A copy of the docs set-up (settings.ini, _quarto.yml, tools/) with four notebooks, built with tools/docs.sh."
    root = tmp_path_factory.mktemp('docs')/'proj'
    root.mkdir()
    for f in ('settings.ini', '_quarto.yml'): shutil.copy(ROOT/f, root/f)
    shutil.copytree(ROOT/'tools', root/'tools', ignore=shutil.ignore_patterns('__pycache__'))
    (root/'.venv').symlink_to(ROOT/'.venv')
    shown, png = _png_output('tab:blue')
    hidden, hidden_png = _png_output('tab:red')
    nbs = root/'nbs'
    (nbs/'experiments').mkdir(parents=True)
    for rel, nb in {'index.ipynb': _nb(_md('# Fixture\n\n> The home page.')),
                    '00_fig.ipynb': _nb(_md('# Figures\n\n> A page with a stored figure.'), _code('fig', shown),
                                        _code('#| hide\nfig', hidden)),
                    'experiments/00_run.ipynb': _nb(_md('# A run\n\n> An experiment.'), _code('fig', shown)),
                    '_draft.ipynb': _nb(_md('# Draft'))}.items():
        (nbs/rel).write_text(json.dumps(nb, indent=1), encoding='utf-8')
    build(root, PROTONB_NO_SETUP='1')
    return root, png, hidden_png


def test_figure_stored_in_a_notebook_appears_in_its_page(fig_project):
    root, png, hidden_png = fig_project
    assert png.startswith(PNG_MAGIC)
    pages = check_site(root)
    assert set(pages) == {Path('index.ipynb'), Path('00_fig.ipynb'), Path('experiments/00_run.ipynb')}
    for rel in (Path('00_fig.ipynb'), Path('experiments/00_run.ipynb')):
        imgs = page_images(pages[rel], root/'_docs')
        assert png in imgs, f'the figure of {rel} is not in {pages[rel]}'
        assert hidden_png not in imgs, f'a `#| hide` figure shows in {pages[rel]}'


def test_fixture_site_layout(fig_project):
    root = fig_project[0]
    docs = root/'_docs'
    assert (docs/'fig.html').is_file() and (docs/'experiments'/'run.html').is_file()  # nbdev's names: the number goes
    assert not list(docs.rglob('*draft*')), 'a `_`-prefixed notebook got a page'
    links = sidebar_links(docs/'index.html')
    assert links.index('fig.html') < links.index('experiments/run.html'), links  # API before Experiments


# ---- the sidebar rules of tools/docs_build.py


@pytest.fixture(scope='module')
def docs_build():
    spec = importlib.util.spec_from_file_location('docs_build', ROOT/'tools'/'docs_build.py')
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod


def test_sidebar_globs(docs_build, tmp_path):
    for rel in ['index.ipynb', '00_core.ipynb', '01a_synthetic.ipynb', '01_data.ipynb', '09a_theorem1.ipynb', 'experiments/00_run.ipynb',
                '_hidden.ipynb', 'x/_y/z.ipynb', 'notes.md', 'figure.png']:
        (tmp_path/rel).parent.mkdir(parents=True, exist_ok=True); (tmp_path/rel).write_text('{}')
    cfg = tmp_path/'_quarto.yml'
    cfg.write_text('website:\n  sidebar:\n    contents:\n      - index.ipynb\n      - missing.ipynb\n'
                   '      - {section: Tutorials, contents: "tutorials/*"}\n'
                   '      - {section: Explanations, contents: ["explanations/*", "/[0-9]*theorem*"]}\n'
                   '      - {section: API, contents: "/[0-9]*"}\n      - {section: Experiments, contents: "experiments"}\n')
    out, missing, unlisted = docs_build.build_config(cfg, tmp_path)
    bar = out['website']['sidebar']['contents']
    assert bar[0] == 'index.ipynb' and missing == ['missing.ipynb'] and unlisted == ['notes.md']
    assert [s['section'] for s in bar[1:]] == ['Explanations', 'API', 'Experiments']  # an empty section is dropped
    assert bar[1]['contents'] == ['09a_theorem1.ipynb']  # the first glob that matches takes the page
    assert bar[2]['contents'] == ['00_core.ipynb', '01_data.ipynb', '01a_synthetic.ipynb']  # anchored at nbs/, sorted by path
    assert bar[3]['contents'] == ['experiments/00_run.ipynb']
    assert docs_build.glob_regex('*.ipynb').match('a/b.ipynb') and not docs_build.glob_regex('/*.ipynb').match('a/b.ipynb')
