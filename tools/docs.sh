#!/usr/bin/env bash
# Build the documentation site into _docs/ from the notebooks in nbs/ (with their stored outputs) and _quarto.yml.
#   bash tools/docs.sh           build; offline it is nbdev's processing (nbs/ -> _proc/) then smalldocs (tools/docs_build.py),
#                                and where `quarto` is on PATH it is `nbdev_docs` (PROTONB_DOCS_RENDERER=smalldocs forces
#                                the offline renderer there too)
#   bash tools/docs.sh preview   build, then serve _docs/ at http://127.0.0.1:3000 (PORT=8000 to change; Ctrl-C stops)
#   preview of a built site:     .venv/bin/python -m http.server 3000 --bind 127.0.0.1 -d _docs
# Maths is MathML written at build time and the theme's web fonts are dropped, so no page loads anything from outside
# _docs/ (`docs_build.py offline` checks it after either renderer). Exits non-zero when the build fails.
# PROTONB_NO_SETUP=1 skips `tools/setup.sh` (the venv is already current).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in ""|preview) ;; *) echo "usage: bash tools/docs.sh [preview]" >&2; exit 2;; esac
[ "${PROTONB_NO_SETUP:-0}" = 1 ] || bash tools/setup.sh
BIN=.venv/bin
start=$SECONDS
rm -rf _docs  # a failed build never leaves an old site behind
if command -v quarto >/dev/null 2>&1 && [ "${PROTONB_DOCS_RENDERER:-}" != smalldocs ]; then
  "$BIN/python" tools/docs_build.py quarto  # the config goes to nbs/_quarto.yml: nbdev 2.4 copies it into _proc/
  PATH="$PWD/$BIN:$PATH" "$BIN/nbdev_docs"
else
  "$BIN/python" tools/docs_build.py proc    # nbs/ -> _proc/ (nbdev_proc_nbs) and _proc/_quarto.yml
  "$BIN/python" tools/docs_build.py render  # smalldocs render of _proc/ -> _docs/
fi
"$BIN/python" tools/docs_build.py offline   # no web fonts; fails if a page still loads something from outside _docs/
[ -f _docs/index.html ] || [ -n "$(find _docs -name '*.html' -print -quit 2>/dev/null)" ] || { echo "docs: no pages in _docs/" >&2; exit 1; }
echo "docs: built _docs/ ($(find _docs -name '*.html' | wc -l) pages) in $((SECONDS - start)) s" >&2
if [ "${1:-}" = preview ]; then
  echo "docs: serving _docs/ at http://127.0.0.1:${PORT:-3000} (Ctrl-C stops)" >&2
  exec "$BIN/python" -m http.server "${PORT:-3000}" --bind 127.0.0.1 -d _docs
fi
