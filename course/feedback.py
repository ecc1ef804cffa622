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

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
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
            is_test = cell.metadata.get("nbgrader", {}).get("grade", False) and \
                not cell.metadata.get("nbgrader", {}).get("solution", False)
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
