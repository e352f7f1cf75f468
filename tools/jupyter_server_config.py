# Jupyter server config that tools/setup.sh copies into .venv/etc/jupyter/: every notebook saved from JupyterLab (or any
# client of the server's contents API) is cleaned by nbdev first, so it is saved in the form `nbdev_clean` leaves it
# (no execution counts, kernel or language metadata) and the test command's clean check passes.
# nbdev's own hook (`nbdev_install_hooks` writes it into ~/.jupyter) does the same, but nbdev 2.4 reads settings.ini from
# the server's working directory whatever the notebook's path; this one reads the settings.ini above the notebook, so a
# server started anywhere (or serving several projects) cleans by each notebook's own project. `jupyter_hooks = True` in
# that settings.ini turns it on, as in nbdev.
from pathlib import Path


def protonb_clean_on_save(model, path, contents_manager, **kwargs):
    "Clean a notebook with nbdev (`clean_nb`, as `nbdev_clean` does) before the contents manager writes it."
    if model.get('type') != 'notebook' or (model.get('content') or {}).get('nbformat') != 4: return
    try:
        from nbdev.clean import clean_nb
        from nbdev.config import Config, _apply_defaults, _types
    except ImportError: return  # a server without nbdev saves as it is
    here = Path(getattr(contents_manager, 'root_dir', '') or '.', path.lstrip('/')).resolve().parent
    ini = next((d/'settings.ini' for d in (here, *here.parents) if (d/'settings.ini').is_file()), None)
    if ini is None: return  # not an nbdev project
    cfg = _apply_defaults(Config(ini.parent, ini.name, types=_types))
    if not cfg.jupyter_hooks: return
    clean_nb(model['content'], cfg.clear_all, cfg.get('allowed_metadata_keys').split(), cfg.get('allowed_cell_metadata_keys').split(),
             cfg.clean_ids)


c.ContentsManager.pre_save_hook = protonb_clean_on_save  # noqa: F821 (`c` is the config Jupyter passes in)
