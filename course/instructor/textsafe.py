"""Student-controlled text on its way into a spreadsheet, a terminal or a file name.

Student ids, file names, exception names and messages all come from submissions. Three places
take them literally:

- a spreadsheet runs a CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return as a formula (CSV injection); ``spreadsheet_cell`` prefixes such a cell with ``'`` as
  OWASP recommends, and ``from_spreadsheet_cell`` takes the prefix off again for display;
- a terminal obeys control sequences (``ESC [ 2 J`` clears it); ``printable`` shows each control
  character as an escape (``\\x1b``) instead;
- nbgrader reads a student id as a glob pattern and writes it into its CSV export unquoted;
  ``student_id`` applies the course's id rule (see ``ID_RULE``).
"""
import hashlib
import re
import unicodedata

__all__ = ["spreadsheet_cell", "write_csv", "from_spreadsheet_cell", "printable", "student_id",
           "valid_student_id", "ID_RULE"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

ID_RULE = ("a student id is 1 to 64 letters (any script), digits, '_', '.' or '-', starting with "
           "a letter or digit; any other name gets an id made of its letters and digits and "
           "8 hexadecimal digits of its SHA-256 (e.g. 'alice smith' -> 'alice_smith-6f1c3f6e'), "
           "and the original name is kept beside the grades")
_VALID = re.compile(r"[^\W_][\w.-]{0,63}")
_NOT_ALLOWED = re.compile(r"[^\w.-]+")


def spreadsheet_cell(value):
    """``value`` as a CSV cell that no spreadsheet evaluates; numbers are left as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(path, rows):
    """Write ``rows`` (the header first, if any) as UTF-8 CSV, quoted by the ``csv`` module and
    every cell through ``spreadsheet_cell``; None is an empty cell. Every CSV the course writes
    goes through here: ids, names, reasons and messages come from submissions."""
    import csv
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        for row in rows:
            w.writerow([spreadsheet_cell("" if v is None else v) for v in row])


def from_spreadsheet_cell(text):
    """The text ``spreadsheet_cell`` was given (for pages that read the CSV back)."""
    if isinstance(text, str) and text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


def printable(text):
    """``text`` with every control or format character (C0, C1, DEL, bidirectional overrides)
    shown as an escape, so that it cannot move the cursor, clear or retitle a terminal."""
    return "".join(ch if unicodedata.category(ch)[0] != "C"
                   else ch.encode("unicode_escape").decode()
                   for ch in str(text))


def valid_student_id(name):
    return isinstance(name, str) and unicodedata.normalize("NFC", name) == name \
        and _VALID.fullmatch(name) is not None


def student_id(name):
    """The course id for a submitter called ``name`` (see ``ID_RULE``): the name itself when it
    follows the rule (after Unicode NFC, so a macOS zip's Korean names match Windows' ones),
    otherwise a readable slug plus a hash of the whole name, so two names never share an id."""
    nfc = unicodedata.normalize("NFC", str(name))
    if valid_student_id(nfc):
        return nfc
    slug = _NOT_ALLOWED.sub("_", nfc).strip("._-")[:40].rstrip("._-") or "student"
    if not _VALID.fullmatch(slug[0]):
        slug = "s" + slug
    return f"{slug}-{hashlib.sha256(nfc.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"
