"""The steps of the docs build, run from the repository root by tools/docs.sh.

python tools/docs_build.py proc        nbdev's processing of nbs/ into _proc/ (what `nbdev_proc_nbs` does, without its
                                       attempt to install Quarto), drop what _proc/ keeps of deleted notebooks, and write
                                       _proc/_quarto.yml
python tools/docs_build.py render      render _proc/ with smalldocs into _docs/, naming each page by the `output-file`
                                       that nbdev puts in its front matter (`00_core.ipynb` -> `core.html`), as Quarto does
python tools/docs_build.py quarto      before `nbdev_docs`: drop what _proc/ keeps of deleted notebooks, and write the
                                       config to nbs/_quarto.yml, which nbdev 2.4 copies into _proc/ (gitignored there)
python tools/docs_build.py offline     after either renderer: drop the web-font `@import`s of the theme CSS in _docs/, then
                                       fail if any page or stylesheet still loads something from outside the site

Maths is rendered when the site is built, so that pages need no network: smalldocs gets TeX -> MathML from
`latex2mathml` (the page carries the MathML, and the TeX as its annotation), and Quarto is set to the same with
`html-math-method: mathml` in _quarto.yml. Browsers draw MathML natively (MathML Core), with no script or font to load.

The config is the repository's `_quarto.yml` with its sidebar globs expanded into lists of pages.

Quarto and smalldocs read sidebar globs differently (smalldocs matches a slash-less glob at any depth even after a
leading `/`), so both renderers get the same explicit lists. Rules, applied to the pages under nbs/:
- a page is a `.ipynb`, `.qmd` or `.md` file but README; files and folders starting with `_` or `.` are skipped, as nbdev does;
- a glob with a leading `/` is anchored at nbs/, one without matches at any depth (Quarto's rule); `*` and `?` stay
  inside one folder, `**` crosses folders; a bare folder name means the pages in it;
- pages sort by path (case-insensitive); a page goes to the first glob that matches it, so later sections skip it;
- a section left with no pages is dropped, and so is an entry naming a page that does not exist.
Pages that no sidebar entry lists are still rendered; they are named on stderr.
"""
import re, sys
from pathlib import Path
import yaml

PAGE_EXTS = ('.ipynb', '.qmd', '.md')


def pages(nbs: Path) -> list[str]:
    "The pages under `nbs`, as sorted POSIX paths relative to it."
    found = [p.relative_to(nbs) for p in nbs.rglob('*') if p.is_file() and p.suffix in PAGE_EXTS]
    found = [p for p in found if not any(s.startswith(('_', '.')) for s in p.parts) and p.stem.lower() != 'readme']
    return sorted((p.as_posix() for p in found), key=str.lower)


def glob_regex(pattern: str) -> re.Pattern:
    "A regex for whole paths: `*`/`?` inside one folder, `**` across; a leading `/` anchors, else any depth."
    anchored = pattern.startswith('/')
    pattern = pattern.lstrip('/').removeprefix('./')
    out, i = '', 0
    while i < len(pattern):
        if pattern.startswith('**/', i): out, i = out + '(?:.*/)?', i + 3
        elif pattern.startswith('**', i): out, i = out + '.*', i + 2
        elif pattern[i] == '*': out, i = out + '[^/]*', i + 1
        elif pattern[i] == '?': out, i = out + '[^/]', i + 1
        elif pattern[i] == '[' and (j := pattern.find(']', i + 1)) > 0:
            body = pattern[i + 1:j]
            out, i = out + '[' + ('^' + body[1:] if body.startswith('!') else body) + ']', j + 1
        else: out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(('' if anchored else '(?:.*/)?') + out + r'\Z')


def is_glob(s: str) -> bool: return any(c in s for c in '*?[')


def expand(contents, nbs: Path, pool: list[str], used: set[str], missing: list[str]) -> list:
    "Expand one `contents:` list (or single entry) into explicit entries, taking pages from `pool` once each."
    out = []
    for c in contents if isinstance(contents, list) else [contents]:
        if isinstance(c, str):
            s = c.strip()
            if s.startswith('---'): out.append(c); continue
            rel = s.lstrip('/')
            if not is_glob(s) and (nbs / rel).is_dir(): s, rel = f'/{rel.rstrip("/")}/**', None
            if is_glob(s):
                rx = glob_regex(s)
                hits = [p for p in pool if p not in used and rx.match(p)]
                used.update(hits); out += hits
            elif rel in pool:
                if rel not in used: used.add(rel); out.append(rel)
            else: missing.append(s)
        elif isinstance(c, dict) and ('section' in c or 'contents' in c):
            kids = expand(c.get('contents') or [], nbs, pool, used, missing)
            href = c.get('href')
            if href and str(href).lstrip('/') in pool: used.add(str(href).lstrip('/'))
            if kids or href: out.append({**c, 'contents': kids})
        elif isinstance(c, dict) and (href := c.get('href') or c.get('file')) and not re.match(r'^[a-z]+:', str(href)):
            rel = str(href).lstrip('/')
            if rel in pool: used.add(rel); out.append(c)
            else: missing.append(rel)
        else: out.append(c)  # a link to the web, `auto`, or anything else: as written
    return out


def build_config(src: Path, nbs: Path) -> tuple[dict, list[str], list[str]]:
    "The config with its sidebar expanded, the entries whose page is missing, and the pages no entry lists."
    cfg = yaml.safe_load(src.read_text(encoding='utf-8'))
    if not isinstance(cfg, dict): raise SystemExit(f'{src}: the top level must be a mapping')
    pool, used, missing = pages(nbs), set(), []
    bars = (cfg.get('website') or {}).get('sidebar')
    for sb in bars if isinstance(bars, list) else [bars] if bars else []:
        if isinstance(sb, dict) and sb.get('contents') is not None:
            sb['contents'] = expand(sb['contents'], nbs, pool, used, missing)
    return cfg, missing, [p for p in pool if p not in used]


def write_config(out: Path, src: Path = Path('_quarto.yml'), nbs: Path = Path('nbs')):
    "Write the expanded config to `out`."
    if not src.is_file(): raise SystemExit(f'docs: config file {src} not found')
    if not nbs.is_dir(): raise SystemExit(f'docs: notebook folder {nbs} not found')
    cfg, missing, unlisted = build_config(src, nbs)
    for m in missing: print(f'docs: sidebar entry {m} matches no page in {nbs}; left out', file=sys.stderr)
    for u in unlisted: print(f'docs: {nbs}/{u} is rendered but not in the sidebar', file=sys.stderr)
    out.parent.mkdir(parents=True, exist_ok=True)
    head = f'# Generated by tools/docs_build.py from {src.name}: edit that file, not this one.\n'
    out.write_text(head + yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True, width=140), encoding='utf-8')


def prune(nbs: Path, proc: Path):
    "Delete what `proc` holds for sources that are gone from `nbs` (nbdev's cache keeps them), then empty folders."
    keep = {'_quarto.yml', '_docs'}
    for f in sorted(proc.rglob('*'), reverse=True):
        rel = f.relative_to(proc)
        if rel.parts[0] in keep: continue
        if f.is_dir():
            if not any(f.iterdir()): f.rmdir()
        elif not ((nbs / rel).exists() or (nbs / f'{rel}.py').exists()): f.unlink()


def proc(nbs: Path = Path('nbs'), cache: Path = Path('_proc')):
    "Process the notebooks as `nbdev_proc_nbs` does, prune stale pages, and write the config."
    from nbdev.serve import proc_nbs
    try: proc_nbs(str(nbs))
    except Exception as e:  # nbdev re-raises the worker's error; say which notebook and cell, and the root error, once
        cause = re.findall(r'^(\w*(?:Error|Exception)\b.*)$', str(e.__cause__ or ''), re.M)
        raise SystemExit(f'docs: nbdev could not process a notebook. {e}\n{cause[0] if cause else ""}\n'
                         'nbdev runs the exported cells and every cell that imports something, to render `show_doc`: '
                         'keep imports in cells of their own (see the "Found cells containing imports" warnings above).')
    prune(nbs, cache)
    write_config(cache / '_quarto.yml', nbs=nbs)


# ---- maths: TeX -> MathML at build time (latex2mathml), for smalldocs

# What latex2mathml 3.81 does not read, said in a form it reads: `aligned` (as `split`, the same layout), `\arg` (as an
# operator name), `\setminus` (as U+2216, which common fonts have; U+29F5 often shows as a box), a sized delimiter given
# as a command (`\Big\|`, `\bigl\langle`: as its character).
TEX_REWRITES = [(re.compile(r'\\(begin|end)\{aligned\}'), r'\\\1{split}'),
                (re.compile(r'\\arg(?![A-Za-z])'), r'\\operatorname{arg}'),
                (re.compile(r'\\setminus(?![A-Za-z])'), r'\\smallsetminus')]
SIZED = re.compile(r'\\([Bb]igg?[lrm]?)\s*(\\(?:[A-Za-z]+|[{}|]))')
TEX_LEFT = re.compile(r'\\(?:[A-Za-z]+|[|{}_%&$#])')  # a TeX command, or an escaped character, left in MathML's text


def tex_to_mathml(tex: str, display: bool = False) -> str:
    "MathML for `tex`, with the TeX kept as its annotation (as Pandoc writes it); a warning on stderr for what it cannot read."
    from html import escape
    from latex2mathml.converter import convert
    from latex2mathml.symbols_parser import convert_symbol

    src = tex
    for rx, to in TEX_REWRITES: src = rx.sub(to, src)
    src = SIZED.sub(lambda m: f'\\{m.group(1)}' + (chr(int(c, 16)) if (c := convert_symbol(m.group(2))) else m.group(2)), src)
    try: ml = convert(src, display='block' if display else 'inline')
    except Exception as e:  # one bad formula shows as code on its page, and the build says which
        print(f'docs: maths not converted ({type(e).__name__}: {e}): {tex}', file=sys.stderr)
        return f'<code class="math-error">{escape(tex)}</code>'
    ml = re.sub(r'(<mtext>)([^<]*)', lambda m: m.group(1) + re.sub(r'\\([_%&$#{}])', r'\1', m.group(2)), ml)  # `\text{a\_b}`
    ml = re.sub(r'&(?!#?\w+;)', '&amp;', ml)  # a bare `&` that latex2mathml leaves (an unread alignment)
    if left := TEX_LEFT.findall(' '.join(re.findall(r'>([^<]+)<', ml))):
        print(f'docs: maths partly converted (left as TeX: {" ".join(sorted(set(left)))}): {tex}', file=sys.stderr)
    try: return with_limits(ml, tex)
    except Exception as e:
        print(f'docs: maths not converted (MathML not well-formed: {e}): {tex}', file=sys.stderr)
        return f'<code class="math-error">{escape(tex)}</code>'


MATHML = 'http://www.w3.org/1998/Math/MathML'
LIMITS = {'max', 'min', 'sup', 'inf', 'lim', 'limsup', 'liminf', 'argmax', 'argmin', 'arg\u2009max', 'arg\u2009min', *'\u22c3\u22c2\u2a01\u2a02'}


def with_limits(ml: str, tex: str) -> str:
    "Put the limits of `\\max`, `\\min`, `\\bigcup`, ... under them in display maths (beside them inline), as TeX does; add the annotation."
    import xml.etree.ElementTree as ET
    ET.register_namespace('', MATHML)
    root = ET.fromstring(ml)
    for el in root.iter():
        kids = list(el)
        if el.tag in (f'{{{MATHML}}}msub', f'{{{MATHML}}}msubsup') and kids and kids[0].tag == f'{{{MATHML}}}mo' and (kids[0].text or '').strip() in LIMITS:
            el.tag = f'{{{MATHML}}}{"munder" if el.tag.endswith("msub") else "munderover"}'
            kids[0].set('movablelimits', 'true')
    body = ET.Element(f'{{{MATHML}}}mrow')
    body.extend(list(root))
    for k in list(root): root.remove(k)
    sem = ET.SubElement(root, f'{{{MATHML}}}semantics')
    sem.append(body)
    ET.SubElement(sem, f'{{{MATHML}}}annotation', encoding='application/x-tex').text = tex
    return ET.tostring(root, encoding='unicode', short_empty_elements=True)


def use_mathml():
    "Make smalldocs write maths as MathML (and no KaTeX links from a CDN): its three maths rules, before any parser is made."
    import smalldocs.markdown as sm

    def inline(self, tokens, idx, options, env):
        return f'<span class="math inline">{tex_to_mathml(tokens[idx].content.strip())}</span>'
    def display(self, tokens, idx, options, env):
        return f'<span class="math display">{tex_to_mathml(tokens[idx].content.strip(), display=True)}</span>'
    def block(self, tokens, idx, options, env): return f'<p>{display(self, tokens, idx, options, env)}</p>\n'
    sm.math_inline, sm.math_display, sm.math_block = inline, display, block  # `env["math"]` stays unset: no KaTeX in the head


def render(cache: Path = Path('_proc'), out: Path = Path('_docs')) -> int:
    "Render `cache` with smalldocs, pages named by their `output-file`, then move the site to `out`; 1 on failure."
    import shutil
    from smalldocs.config import BuildError, ConfigError, load
    from smalldocs.site import Site
    use_mathml()

    class NbdevSite(Site):
        "A smalldocs site whose pages are named by their `output-file` front matter, as Quarto names them."
        def read(self, src):
            page = super().read(src)
            name = page.front.get('output-file')
            if isinstance(name, str) and name.strip() and '/' not in name: page.out = src.parent / name
            return page

    shutil.rmtree(cache / out.name, ignore_errors=True)  # smalldocs refuses to empty a half-written output folder
    try:
        site = NbdevSite(load(cache), quiet=True)
        if site.out != (cache / out.name).resolve(): raise ConfigError(f'project.output-dir must be {out.name}, as nbdev expects')
        n = site.build()
        outs = {}
        for p in site.pages.values(): outs.setdefault(str(p.out), []).append(str(p.src))
        if clash := {k: v for k, v in outs.items() if len(v) > 1}: raise BuildError(f'notebooks with the same page: {clash}')
    except (BuildError, ConfigError) as e:
        print(f'docs: smalldocs: {e}', file=sys.stderr); return 1
    for w in site.warnings:  # `output-file` is read above, `html-math-method` by use_mathml
        if 'output-file is not read' not in w and 'html-math-method is ignored' not in w: print(f'docs: smalldocs warning: {w}', file=sys.stderr)
    shutil.rmtree(out, ignore_errors=True)
    shutil.move(site.out, out)
    print(f'docs: rendered {n} page(s) into {out}/', file=sys.stderr)
    return 0


# ---- nothing loaded from outside the site

EXTERNAL = re.compile(r'^\s*(?:[a-z][a-z0-9+.-]*:)?//', re.I)  # `https://…`, `//host/…`; not `data:`, not a path
RESOURCE_TAGS = {'script': ('src',), 'link': ('href',), 'img': ('src', 'srcset'), 'iframe': ('src',), 'source': ('src', 'srcset'),
                 'video': ('src', 'poster'), 'audio': ('src',), 'embed': ('src',), 'object': ('data',), 'track': ('src',),
                 'input': ('src',), 'image': ('href', 'xlink:href'), 'use': ('href', 'xlink:href')}
CSS_IMPORT = re.compile(r'@import\s+(?:url\(\s*)?["\']?([^"\')\s;]+)["\']?\s*\)?[^;]*;')
CSS_URL = re.compile(r'url\(\s*["\']?([^"\')]+?)["\']?\s*\)')


def external_resources(html: str) -> list[str]:
    "The URLs outside the site that a page loads: from the tags that fetch (<link> of any rel but a plain link) and inline CSS."
    from html.parser import HTMLParser
    found = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == 'link' and set((a.get('rel') or '').lower().split()) <= {'canonical', 'alternate', 'author', 'license', 'me', 'help'}:
                return  # a link that names a page, which the browser does not fetch
            for k in RESOURCE_TAGS.get(tag, ()):
                for u in re.split(r',\s+', a.get(k) or ''):
                    if EXTERNAL.match(u): found.append(f'<{tag} {k}="{u.split()[0]}">')
            if style := a.get('style'): found.extend(css_external(style))

    p = P(convert_charrefs=True)
    p.feed(html)
    return found + [u for s in re.findall(r'<style\b[^>]*>(.*?)</style>', html, re.S | re.I) for u in css_external(s)]


def css_external(css: str) -> list[str]:
    "The URLs outside the site that a stylesheet loads (`@import`, `url(...)`)."
    return [u for u in CSS_IMPORT.findall(css) + CSS_URL.findall(css) if EXTERNAL.match(u)]


def offline(out: Path = Path('_docs')) -> int:
    "Drop the theme's web-font `@import`s (the fonts fall back to the reader's own), then list what still loads from outside; 1 if any."
    bad = []
    for css in sorted(out.rglob('*.css')):
        text = css.read_text(encoding='utf-8', errors='surrogateescape')
        kept = CSS_IMPORT.sub(lambda m: '' if EXTERNAL.match(m.group(1)) else m.group(0), text)
        if kept != text: css.write_text(kept, encoding='utf-8', errors='surrogateescape')
        bad += [f'{css.relative_to(out)}: {u}' for u in css_external(kept)]
    for page in sorted(out.rglob('*.html')):
        bad += [f'{page.relative_to(out)}: {u}' for u in external_resources(page.read_text(encoding='utf-8'))]
    for b in bad: print(f'docs: loads from outside the site: {b}', file=sys.stderr)
    return 1 if bad else 0


if __name__ == '__main__':
    args = sys.argv[1:]
    if args[:1] == ['proc'] and len(args) == 1: proc()
    elif args[:1] == ['render'] and len(args) == 1: sys.exit(render())
    elif args[:1] == ['offline'] and len(args) == 1: sys.exit(offline())
    elif args[:1] == ['quarto'] and len(args) == 1:
        if Path('_proc').is_dir(): prune(Path('nbs'), Path('_proc'))
        write_config(Path('nbs/_quarto.yml'))
    else: raise SystemExit(__doc__)
