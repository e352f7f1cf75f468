"""The docs site (tools/docs.sh): every notebook has its page, the figures stored in notebooks appear in it, equations
are rendered MathML (no TeX left for a script from the web to typeset), and no page loads anything from outside the site,
checked in the HTML and, where Chromium is installed, in a real headless browser.

The site of the repository is built once per session, or reused when PROTONB_DOCS_BUILT=1 says that the test command
has just built it. Notebooks are committed without outputs, so the figure path is also checked end to end on a small
project in a temporary folder: the repository's _quarto.yml and tools/, and a few notebooks, one holding a PNG figure.
"""
import base64, binascii, functools, html.parser, http.server, importlib.util, io, json, os, re, shutil, socket, subprocess, tempfile, \
    threading, time, urllib.request
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


FIXTURE_MATH = ('The similarity $\\operatorname{sim}(d) = \\log \\frac{d + 1}{d + \\varepsilon}$ of a patch, and\n\n'
                 '$$ g(Z_x, p) = \\max_{z \\in Z_x} \\log\\frac{\\|z - p\\|^2 + 1}{\\|z - p\\|^2 + \\varepsilon},\\quad '
                 'P_k \\setminus P\'_k, \\quad \\Big\\| z \\Big\\|, \\quad \\text{per\\_class} \\qquad (1) $$')


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
                                        _code('#| hide\nfig', hidden), _md(FIXTURE_MATH)),
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
    for rel in ['index.ipynb', '00_core.ipynb', '00b_synthetic.ipynb', '01_data.ipynb', '09a_theorem1.ipynb', 'experiments/00_run.ipynb',
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
    assert bar[2]['contents'] == ['00_core.ipynb', '00b_synthetic.ipynb', '01_data.ipynb']  # anchored at nbs/, sorted by path
    assert bar[3]['contents'] == ['experiments/00_run.ipynb']
    assert docs_build.glob_regex('*.ipynb').match('a/b.ipynb') and not docs_build.glob_regex('/*.ipynb').match('a/b.ipynb')


# ---- offline: equations are MathML, and nothing is loaded from outside the site

EXTERNAL = re.compile(r'^\s*(?:[a-z][a-z0-9+.-]*:)?//', re.I)  # a URL with a host: `https://…`, `//cdn/…` (not `data:`, not a path)
FETCHING = {'script': ['src'], 'link': ['href'], 'img': ['src', 'srcset'], 'iframe': ['src'], 'source': ['src', 'srcset'],
            'video': ['src', 'poster'], 'audio': ['src'], 'embed': ['src'], 'object': ['data'], 'image': ['href'], 'use': ['href']}
SKIP_TEXT = {'script', 'style', 'pre', 'code', 'annotation', 'title', 'textarea'}  # not prose: code may hold `\` and `$` rightly
RAW_TEX = re.compile(r'\$\$|\\\[|\\\(|\\begin\{|\\(?:frac|sum|max|min|log|mathbf|mathcal|operatorname|varepsilon|left|right|text|qquad)\b')


class PageScan(html.parser.HTMLParser):
    "What a page loads from outside (`external`), its prose text (`text`), its MathML elements and the text inside them."
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.external, self.text, self.math_text, self.maths, self.stack = [], [], [], 0, []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in FETCHING.get(tag, []):
            if tag == 'link' and set((a.get('rel') or '').split()) <= {'canonical', 'alternate', 'author', 'license', 'me'}: continue
            self.external += [f'<{tag} {k}={u}>' for u in re.split(r',\s+', a.get(k) or '') if EXTERNAL.match(u)]
        self.external += [f'style: {u}' for u in css_urls(a.get('style') or '')]
        if tag == 'math': self.maths += 1
        if tag not in {'meta', 'link', 'img', 'br', 'hr', 'input', 'source', 'col', 'wbr', 'area', 'base', 'embed', 'track'}: self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1] == tag: self.stack.pop()
    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag: pass
    def handle_data(self, data):
        if 'style' in self.stack: self.external += [f'<style>: {u}' for u in css_urls(data)]
        if SKIP_TEXT & set(self.stack): return
        (self.math_text if 'math' in self.stack else self.text).append(data)


def css_urls(css: str) -> list[str]:
    "The URLs with a host that CSS loads: `@import` and `url(...)`."
    return [u for u in re.findall(r'@import\s+(?:url\(\s*)?["\']?([^"\')\s;]+)', css) + re.findall(r'url\(\s*["\']?([^"\')]+)', css) if EXTERNAL.match(u)]


def scan(page: Path) -> PageScan:
    p = PageScan(); p.feed(page.read_text(encoding='utf-8')); p.close()
    return p


def check_offline(docs: Path) -> dict[str, int]:
    "No page or stylesheet of `docs` loads from outside it; no TeX is left in prose or inside MathML. Returns {page: MathML count}."
    bad, tex, counts = [], [], {}
    for css in sorted(docs.rglob('*.css')):
        bad += [f'{css.relative_to(docs)}: {u}' for u in css_urls(css.read_text(encoding='utf-8', errors='replace'))]
    for page in sorted(docs.rglob('*.html')):
        s, rel = scan(page), str(page.relative_to(docs))
        bad += [f'{rel}: {u}' for u in s.external]
        tex += [f'{rel}: {m.group(0)!r} in …{t[max(0, m.start() - 40):m.end() + 40]!r}…' for t in s.text for m in RAW_TEX.finditer(t)][:3]
        tex += [f'{rel}: inside MathML {m.group(0)!r}' for t in s.math_text for m in re.finditer(r'\\(?:[A-Za-z]+|[|{}_%&$#])', t)][:3]
        counts[rel] = s.maths
        assert 'math-error' not in page.read_text(encoding='utf-8'), f'{rel}: an equation could not be converted (see the build log)'
    assert not bad, 'the site loads from outside itself:\n' + '\n'.join(bad)
    assert not tex, 'TeX shown as text instead of rendered maths:\n' + '\n'.join(tex)
    return counts


def test_site_is_offline_with_mathml(site):
    counts = check_offline(site/'_docs')
    maths = {p: n for p, n in counts.items() if n}
    if not maths: pytest.skip('no page of the site has an equation yet')
    for page in maths: assert 'katex' not in (site/'_docs'/page).read_text(encoding='utf-8').lower(), page


def test_fixture_math_is_mathml(fig_project):
    root = fig_project[0]
    counts = check_offline(root/'_docs')
    assert counts['fig.html'] == 2, counts  # one inline, one display equation
    page = (root/'_docs'/'fig.html').read_text(encoding='utf-8')
    display = re.search(r'<math\b[^>]*display="block".*?</math>', page, re.S).group(0)
    assert '<munder><mo movablelimits="true">max</mo>' in display, display  # the limits go under `max` in display maths
    assert '<mfrac>' in display and '<annotation encoding="application/x-tex">' in display
    assert '\u2216' in display and '\u2016' in display and 'per_class' in display  # \setminus, \Big\|, \text{per\_class}


def test_offline_check_catches_a_cdn(docs_build, tmp_path):
    "The build's own check (tools/docs_build.py offline) refuses a page or theme that loads from the web, and drops web fonts."
    (tmp_path/'a.html').write_text('<html><head><script src="https://cdn.example/k.js"></script></head><body>x</body></html>')
    (tmp_path/'t.css').write_text('@import url(https://fonts.example/css2?family=X);\nbody{color:red}')
    assert docs_build.offline(tmp_path) == 1
    assert '@import' not in (tmp_path/'t.css').read_text()  # the web font went; the script stays, and fails the build
    (tmp_path/'a.html').write_text('<html><head><script src="site_libs/k.js"></script><link rel="canonical" href="https://x.example/a.html">'
                                   '</head><body><img src="data:image/png;base64,AA=="></body></html>')
    assert docs_build.offline(tmp_path) == 0


# ---- the same in a real browser: headless Chromium over the DevTools protocol (websocket-client comes with Jupyter)

def chromium() -> str | None:
    "The Chromium to use: $PROTONB_CHROMIUM, else Debian's `chromium` (or `chromium-browser`, `google-chrome`) on PATH."
    return os.environ.get('PROTONB_CHROMIUM') or next(filter(None, map(shutil.which, ['chromium', 'chromium-browser', 'google-chrome'])), None)


class Browser:
    "Headless Chromium driven over CDP: `visit(url)` returns every URL the page requested, and what `PAGE_JS` found in it."
    def __init__(self, exe: str, tmp: Path):
        import websocket
        self.proc = subprocess.Popen([exe, '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
                                      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-extensions',
                                      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',  # nothing can leave the machine anyway
                                      '--remote-debugging-port=0', f'--user-data-dir={tmp}', '--remote-allow-origins=*', 'about:blank'],
                                     stdout=subprocess.DEVNULL, stderr=open(tmp.parent/'chromium.log', 'w'))
        port_file, t0 = tmp/'DevToolsActivePort', time.time()
        while not (port_file.is_file() and port_file.read_text().count('\n') >= 1):
            if self.proc.poll() is not None or time.time() - t0 > 60:
                self.close()
                pytest.skip(f'{exe} did not start headless: {(tmp.parent/"chromium.log").read_text()[-800:]}')
            time.sleep(0.2)
        port = port_file.read_text().split()[0]
        targets = json.load(urllib.request.urlopen(f'http://127.0.0.1:{port}/json/list', timeout=10))
        self.ws = websocket.create_connection(next(t for t in targets if t['type'] == 'page')['webSocketDebuggerUrl'], timeout=30, suppress_origin=True)
        self.n = 0
        self.call('Network.enable'); self.call('Page.enable')

    def call(self, method, events=None, **params):
        self.n += 1
        self.ws.send(json.dumps({'id': self.n, 'method': method, 'params': params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get('id') == self.n:
                assert 'error' not in msg, msg
                return msg.get('result')
            if events is not None and 'method' in msg: events.append(msg)

    def visit(self, url: str, js: str) -> tuple[list[str], dict]:
        events, t0 = [], time.time()
        self.call('Page.navigate', events, url=url)
        while not any(e['method'] == 'Page.loadEventFired' for e in events):
            assert time.time() - t0 < 30, f'{url} did not load in 30 s'
            events.append(json.loads(self.ws.recv()))
        self.ws.settimeout(0.5)  # requests made after the load event (deferred scripts, fonts): wait until quiet
        try:
            while True: events.append(json.loads(self.ws.recv()))
        except Exception: pass
        self.ws.settimeout(30)
        res = self.call('Runtime.evaluate', events, expression=js, returnByValue=True, awaitPromise=True)
        urls = [e['params']['request']['url'] for e in events if e.get('method') == 'Network.requestWillBeSent']
        return urls, res['result'].get('value')

    def close(self):
        if getattr(self, 'ws', None): self.ws.close()
        self.proc.terminate()
        try: self.proc.wait(10)
        except subprocess.TimeoutExpired: self.proc.kill(); self.proc.wait()


# In the page: is maths laid out as MathML (the element class, a fraction taller than its numerator), and the prose text.
PAGE_JS = r'''(async () => {
  await document.fonts.ready;
  const maths = [...document.querySelectorAll('math')];
  const fr = document.querySelector('math mfrac');
  const skip = 'script,style,pre,code,annotation,title,textarea';
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), text = [];
  for (let n; (n = w.nextNode());) { const el = n.parentElement; if (el && !el.closest(skip) && el.checkVisibility()) text.push(n.data); }
  return {mathml: typeof MathMLElement !== 'undefined' && maths.every(m => m instanceof MathMLElement), n: maths.length,
          laid_out: maths.filter(m => { const r = m.getBoundingClientRect(); return r.width > 0 && r.height > 0 }).length,
          frac: fr ? fr.getBoundingClientRect().height / fr.firstElementChild.getBoundingClientRect().height : null,
          text: text.join(' ')};
})()'''


@pytest.fixture(scope='module')
def browser(tmp_path_factory):
    exe = chromium()
    if not exe: pytest.skip('no headless browser: install Debian\'s `chromium` (`.ci/run` does when apt can), or set PROTONB_CHROMIUM')
    try: import websocket  # noqa: F401
    except ImportError: pytest.skip('websocket-client (a dependency of jupyter_server) is not installed')
    b = Browser(exe, tmp_path_factory.mktemp('chromium')/'profile')
    yield b
    b.close()


def serve(docs: Path):
    "Serve `docs` on 127.0.0.1 (a random port) in a thread; returns the server."
    handler = functools.partial(type('Quiet', (http.server.SimpleHTTPRequestHandler,), {'log_message': lambda *a: None}), directory=str(docs))
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def check_in_browser(browser, docs: Path, pages: list[Path]) -> dict:
    srv = serve(docs)
    base = f'http://127.0.0.1:{srv.server_address[1]}/'
    out, outside, tex = {}, [], []
    try:
        for page in pages:
            rel = page.relative_to(docs).as_posix()
            urls, got = browser.visit(base + rel, PAGE_JS)
            outside += [f'{rel}: {u}' for u in urls if not u.startswith((base, 'data:', 'blob:', 'about:'))]
            tex += [f'{rel}: {m.group(0)!r}' for m in RAW_TEX.finditer(got['text'])][:3]
            out[rel] = got
    finally: srv.shutdown(); srv.server_close()
    assert not outside, 'requests that leave the site:\n' + '\n'.join(outside)
    assert not tex, 'TeX shown as text in the browser:\n' + '\n'.join(tex)
    for rel, got in out.items():
        if got['n']:
            assert got['mathml'] and got['laid_out'] == got['n'], f'{rel}: equations not rendered as MathML: {got | {"text": "…"}}'
            if got['frac'] is not None: assert got['frac'] > 1.5, f'{rel}: a fraction is not laid out in two rows ({got["frac"]:.2f})'
    return out


def test_browser_renders_maths_offline(site, browser):
    docs = site/'_docs'
    got = check_in_browser(browser, docs, sorted(docs.rglob('*.html')))
    if not any(g['n'] for g in got.values()): pytest.skip('no page of the site has an equation yet')


def test_browser_fixture_maths(fig_project, browser):
    docs = fig_project[0]/'_docs'
    got = check_in_browser(browser, docs, [docs/'fig.html', docs/'index.html'])
    assert got['fig.html']['n'] == 2 and got['fig.html']['frac'] > 1.5, got['fig.html']
