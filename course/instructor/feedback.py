"""Feedback that keeps the message and drops the hidden tests.

nbgrader's ``ClearHiddenTests`` removes the hidden block from each test cell's source, but a
failing hidden assert still prints its line in the traceback (nbgrader issue #917), and student
code can print the text of the cell that is testing it (``inspect``, ``In``). ``HideHiddenTests``
runs before ``ClearHiddenTests`` in ``GenerateFeedback.preprocessors`` (nbgrader_config.py), so
nbgrader's own ``generate_feedback`` uses it too:

- in a test cell, an error keeps only its last line, ``Name: message``: course.testing puts
  what was wrong in the message ("dw has shape (1, 2), expected (2, 1): a missing transpose?");
- everywhere else, any output line that contains a hidden-test line is replaced by a notice.
"""
import re

from nbgrader.preprocessors import NbGraderPreprocessor

from .cells import HIDDEN_BEGIN as BEGIN
from .cells import HIDDEN_END as END
from .cells import is_test as _is_test

REDACTED = "[line hidden: it quotes a hidden test]"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def hidden_lines(nb):
    """The stripped lines inside hidden-test blocks that do not also occur outside them
    (``import numpy as np`` in both places is no secret)."""
    hidden, public = set(), set()
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            text = line.strip()
            if text.startswith(BEGIN):
                inside = True
            elif text.startswith(END):
                inside = False
            elif text:
                (hidden if inside else public).add(text)
    return {line for line in hidden - public if len(line) >= 6}


def _leaks(text, secrets):
    return any(s in text for s in secrets)


def clean_text(text, secrets):
    return "\n".join(REDACTED if _leaks(line, secrets) else line
                     for line in text.split("\n"))


def error_line(output):
    message = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".strip()
    return _ANSI.sub("", message)


class HideHiddenTests(NbGraderPreprocessor):
    """Strip hidden-test text from outputs and tracebacks (see the module docstring)."""

    def preprocess(self, nb, resources):
        secrets = hidden_lines(nb)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            is_test = _is_test(cell)
            for output in cell.get("outputs", []):
                self.clean(output, is_test, secrets)
        return nb, resources

    @staticmethod
    def clean(output, is_test, secrets):
        kind = output.get("output_type")
        if kind == "error":
            if is_test:
                message = error_line(output)
                output["traceback"] = [clean_text(message, secrets)]
            else:
                output["traceback"] = [clean_text(line, secrets) for line in output["traceback"]]
            output["evalue"] = clean_text(output.get("evalue", ""), secrets)
        elif kind == "stream":
            output["text"] = clean_text(output["text"], secrets)
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            for mime in list(data):
                if mime.startswith("text/") or mime == "application/json":
                    value = data[mime]
                    text = value if isinstance(value, str) else "".join(value) \
                        if isinstance(value, list) else str(value)
                    if _leaks(text, secrets):
                        data[mime] = clean_text(text, secrets)


# --- student HTML, made inert -------------------------------------------------------------------
# A student can put HTML in a markdown cell (raw tags, or a markdown link to javascript:), in an
# output (text/html, JavaScript, SVG), and in the notebook's and cells' metadata. The feedback
# page runs none of it: outputs go through nbconvert's SanitizeHTML (below, in the
# GenerateFeedback preprocessors of nbgrader_config.py), markdown is sanitised after it is
# rendered (sanitising the markdown source, as SanitizeHTML does, would turn the `<` of
# `$z < 0$` into a visible `&lt;` and would miss [links](javascript:...)).

MARKDOWN_TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd",
                 "del", "details", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6",
                 "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub",
                 "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"}
MARKDOWN_ATTRIBUTES = {"*": ["class", "id", "title"], "a": ["href", "title", "class"],
                       "img": ["src", "alt", "title", "width", "height"],
                       "th": ["style", "align"], "td": ["style", "align"]}


def sanitize_markdown_html(html):
    """Rendered markdown with only the tags and attributes markdown makes, links to http(s)
    and mailto only (bleach, as nbconvert's SanitizeHTML uses it)."""
    import bleach
    from bleach.css_sanitizer import CSSSanitizer
    return bleach.clean(html, tags=MARKDOWN_TAGS, attributes=MARKDOWN_ATTRIBUTES,
                        protocols={"http", "https", "mailto"}, strip=False, strip_comments=True,
                        css_sanitizer=CSSSanitizer(allowed_css_properties=["text-align"]))


def _safe_exporter():
    from jinja2 import pass_context
    from nbconvert.exporters import HTMLExporter
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    class SafeHTMLExporter(HTMLExporter):
        """nbgrader's feedback exporter (HTMLExporter) whose markdown comes out sanitised and
        whose notebook title and cell tags (metadata a student can set) are plain text."""

        @pass_context                   # as HTMLExporter's own: the template passes its context
        def markdown2html(self, context, source):
            return sanitize_markdown_html(super().markdown2html(context, source))

        def from_notebook_node(self, nb, resources=None, **kw):
            import html as _html
            nb.metadata.pop("widgets", None)            # widget state: not feedback
            if "title" in nb.metadata:
                nb.metadata["title"] = _html.escape(str(nb.metadata["title"]))
            for cell in nb.cells:
                tags = cell.metadata.get("tags")
                if tags:
                    cell.metadata["tags"] = [t for t in tags if re.fullmatch(r"[\w-]+", str(t))]
            return super().from_notebook_node(nb, resources, **kw)

    class SanitizeOutputs(SanitizeHTML):
        """nbconvert's SanitizeHTML for outputs and raw cells; markdown cells are left to
        SafeHTMLExporter, which sanitises them once rendered."""

        def preprocess_cell(self, cell, resources, cell_index):
            if cell.cell_type == "markdown":
                return cell, resources
            return super().preprocess_cell(cell, resources, cell_index)

    return SafeHTMLExporter, SanitizeOutputs


def __getattr__(name):
    # built on first use, so that importing course.instructor.feedback does not import
    # nbconvert's exporters
    if name in ("SafeHTMLExporter", "SanitizeOutputs"):
        exporter, outputs = _safe_exporter()
        globals().update(SafeHTMLExporter=exporter, SanitizeOutputs=outputs)
        return globals()[name]
    raise AttributeError(name)
