"""The steps of the docs build, run from the repository root by tools/docs.sh.

python tools/docs_build.py proc        nbdev's processing of nbs/ into _proc/ (what `nbdev_proc_nbs` does, without its
                                       attempt to install Quarto), drop what _proc/ keeps of deleted notebooks, and write
                                       _proc/_quarto.yml
python tools/docs_build.py render      render _proc/ with smalldocs into _docs/, naming each page by the `output-file`
                                       that nbdev puts in its front matter (`00_core.ipynb` -> `core.html`), as Quarto does
python tools/docs_build.py quarto      before `nbdev_docs`: drop what _proc/ keeps of deleted notebooks, and write the
                                       config to nbs/_quarto.yml, which nbdev 2.4 copies into _proc/ (gitignored there)

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


def render(cache: Path = Path('_proc'), out: Path = Path('_docs')) -> int:
    "Render `cache` with smalldocs, pages named by their `output-file`, then move the site to `out`; 1 on failure."
    import shutil
    from smalldocs.config import BuildError, ConfigError, load
    from smalldocs.site import Site

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
    for w in site.warnings:
        if 'output-file is not read' not in w: print(f'docs: smalldocs warning: {w}', file=sys.stderr)
    shutil.rmtree(out, ignore_errors=True)
    shutil.move(site.out, out)
    print(f'docs: rendered {n} page(s) into {out}/', file=sys.stderr)
    return 0


if __name__ == '__main__':
    args = sys.argv[1:]
    if args[:1] == ['proc'] and len(args) == 1: proc()
    elif args[:1] == ['render'] and len(args) == 1: sys.exit(render())
    elif args[:1] == ['quarto'] and len(args) == 1:
        if Path('_proc').is_dir(): prune(Path('nbs'), Path('_proc'))
        write_config(Path('nbs/_quarto.yml'))
    else: raise SystemExit(__doc__)
