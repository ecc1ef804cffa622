"""A plain-text form of a chapter notebook, for writing and reviewing chapters in an editor.

The text is a sequence of cells, each opened by a marker line::

    #%% markdown                               a markdown cell
    #%% code                                   an ordinary code cell (students may edit it)
    #%% code hidden=true                        the same, its code collapsed in JupyterLab (a
                                               widget's drawing code: the picture is the point)
    #%% locked id=setup                        read-only code (nbgrader "read-only")
    #%% solution id=ch01-sigmoid               autograded answer (### BEGIN/END SOLUTION inside)
    #%% tests id=test-ch01-sigmoid points=3    autograder tests (### BEGIN/END HIDDEN TESTS)

``python -m course author chapter.txt -o chapter.ipynb`` builds the nbgrader notebook (no
outputs, schema version 3); ``python -m course author chapter.ipynb`` prints the text back,
so an existing notebook can be edited the same way. The notebook is what is committed.
"""
import re

import nbformat

MARKER = re.compile(r"^#%% (markdown|code|locked|solution|tests)((?: \w+=\S+)*)\s*$")
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def _nbgrader(kind, opts):
    meta = {"grade": False, "locked": False, "schema_version": 3, "solution": False,
            "task": False}
    if kind == "locked":
        meta["locked"] = True
    elif kind == "solution":
        meta["solution"] = True
    elif kind == "tests":
        meta.update(grade=True, locked=True, points=float(opts["points"]))
    meta["grade_id"] = opts["id"]
    return meta


def text_to_notebook(text):
    """Build an nbformat v4 notebook from the text form."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": KERNEL, "language_info": {"name": "python"}}
    kind, opts, lines = None, None, []

    def flush():
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(body)
        else:
            cell = nbformat.v4.new_code_cell(body)
            if kind != "code":
                cell.metadata["nbgrader"] = _nbgrader(kind, opts)
            if opts.get("hidden") == "true":
                cell.metadata["jupyter"] = {"source_hidden": True}
        cell.pop("id", None)
        nb.cells.append(cell)

    for line in text.splitlines():
        match = MARKER.match(line)
        if match:
            flush()
            kind = match.group(1)
            opts = dict(item.split("=", 1) for item in match.group(2).split())
            lines = []
            if kind in ("locked", "solution", "tests") and "id" not in opts:
                raise ValueError(f"{line!r}: an nbgrader cell needs id=...")
            if kind == "tests" and "points" not in opts:
                raise ValueError(f"{line!r}: a tests cell needs points=...")
        elif kind is None:
            if line.strip():
                raise ValueError(f"text before the first cell marker: {line!r}")
        else:
            lines.append(line)
    flush()
    nb.nbformat, nb.nbformat_minor = 4, 4   # no cell ids: stable diffs
    return nb


def notebook_to_text(nb):
    """The text form of a notebook (outputs are dropped)."""
    out = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "markdown":
            head = "#%% markdown"
        elif meta.get("grade") and not meta.get("solution"):
            points = meta.get("points", 0)
            points = int(points) if float(points).is_integer() else points
            head = f"#%% tests id={meta['grade_id']} points={points}"
        elif meta.get("solution"):
            head = f"#%% solution id={meta['grade_id']}"
        elif meta.get("locked"):
            head = f"#%% locked id={meta['grade_id']}"
        else:
            head = "#%% code"
        if cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
            head += " hidden=true"
        out.append(head + "\n" + cell.source.rstrip("\n") + "\n")
    return "\n".join(out)


def write_notebook(nb, path):
    """Write without outputs or execution counts, in nbformat's own layout."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(nb, str(path))
