"""Private helpers of analysis.reports: files (atomic writes, fingerprints, records),
the kernel choice and the code-free HTML rendering."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from analysis.errors import ReportError
from analysis.reports._params import read_notebook_json

#: The kernel used when the notebook names a kernelspec that is not installed.
FALLBACK_KERNEL = "python3"


def fingerprint_path(path: Path) -> str | None:
    """Cheap fingerprint of a corpus: hash of file paths, sizes and mtimes (no reading)."""
    if not path.exists():
        return None
    digest = hashlib.sha256()
    if path.is_file():
        files = [path]
        base = path.parent
    else:
        base = path
        files = []
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            files.extend(Path(dirpath) / f for f in sorted(filenames) if not f.startswith("."))
    for f in files:
        st = f.stat()
        digest.update(
            f"{f.relative_to(base).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode()
        )
    return digest.hexdigest()[:16]


def sha_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def load_record(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def temp_name(path: Path, suffix: str = ".tmp") -> Path:
    """A hidden, unique name beside ``path`` (same filesystem, so os.replace is atomic)."""
    return path.with_name(f".{path.stem}.{os.getpid()}.{secrets.token_hex(4)}{suffix}")


def atomic_write(path: Path, data: str) -> None:
    tmp = temp_name(path)
    try:
        with open(tmp, "x", encoding="utf-8") as fh:  # normal permissions (umask), not 0600
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def render_html(notebook: Path, *, title: str, resources_dir: Path) -> str:
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    from analysis.reports.status import hide_tracebacks

    hide_tracebacks(nb)  # the error and its cell, not a traceback with local paths
    for cell in nb.cells:  # progress bars and warnings on stderr are not for readers
        if cell.get("cell_type") == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    return _render_node(nb, title=title, resources_dir=resources_dir)


def _render_node(nb: Any, *, title: str, resources_dir: Path) -> str:
    import jinja2
    from nbconvert import HTMLExporter

    # The lab template pulls require.js, MathJax and Mermaid from a CDN; drop them so the
    # page is self-contained (images in outputs are embedded as data: URIs anyway).
    template = (
        "{%- extends 'lab/index.html.j2' -%}\n"
        "{%- block html_head_js -%}{%- endblock html_head_js -%}\n"
        "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}\n"
        "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
    )
    exporter = HTMLExporter(
        extra_loaders=[jinja2.DictLoader({"newsdesk_report.html.j2": template})],
        template_file="newsdesk_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": title, "path": str(resources_dir)}}
    )
    return body


def warm_up_renderer(resources_dir: Path) -> None:
    """Render a one-cell page and throw it away: the first page a process renders costs
    about a second more than the next (nbconvert's imports, templates, styles), so a runner
    does this in a background thread while its first kernels start."""
    import nbformat

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "1",
                outputs=[
                    nbformat.v4.new_output(
                        "execute_result",
                        {"text/html": "<p>1</p>", "text/plain": "1"},
                        execution_count=1,
                    )
                ],
            )
        ]
    )
    _render_node(nb, title="warm-up", resources_dir=resources_dir)


def kernel_for(notebook: Path, kernel_name: str | None, *, quiet: bool) -> str | None:
    """The kernel to pass to papermill: None (the notebook's own kernelspec) when it is
    installed, else ``python3``, which ipykernel/jupyter_client run with this interpreter.

    Warns when the chosen kernelspec would start another Python than this one (for example
    a user-level ``python3`` spec shadowing the environment's), since the project's packages
    may be missing there.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    chosen: str | None = None
    if kernel_name:
        wanted = chosen = kernel_name
        try:
            spec = manager.get_kernel_spec(wanted)
        except NoSuchKernel:
            installed = ", ".join(sorted(manager.find_kernel_specs())) or "(none)"
            raise ReportError(
                f"kernel_name={kernel_name!r} is not an installed kernel; installed: {installed} "
                "(see `jupyter kernelspec list`)"
            ) from None
    else:
        nb = read_notebook_json(notebook, report=notebook.stem)
        meta = (nb.get("metadata") or {}).get("kernelspec") or {}
        wanted = meta.get("name") or FALLBACK_KERNEL
        chosen = None if meta.get("name") else FALLBACK_KERNEL
        try:
            spec = manager.get_kernel_spec(wanted)
        except NoSuchKernel:
            if not quiet:
                print(
                    f"{notebook.stem}: kernel {wanted!r} named in the notebook is not installed; "
                    f"using {FALLBACK_KERNEL!r} (this Python: {sys.executable})",
                    file=sys.stderr,
                )
            wanted = chosen = FALLBACK_KERNEL
            spec = manager.get_kernel_spec(FALLBACK_KERNEL)
    exe = spec.argv[0] if spec.argv else ""
    this_python = {
        "python",
        f"python{sys.version_info[0]}",
        "python{}.{}".format(*sys.version_info[:2]),
    }
    same_env = exe in this_python or Path(exe).parent == Path(sys.executable).parent
    if not same_env and not quiet:
        print(
            f"{notebook.stem}: warning: kernel {wanted!r} starts {exe}, not this environment's "
            f"Python ({sys.executable}); the project's packages may be missing there. "
            "Pass kernel_name= / --kernel, or set JUPYTER_PREFER_ENV_PATH=1.",
            file=sys.stderr,
        )
    return chosen
