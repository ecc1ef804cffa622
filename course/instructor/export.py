"""``nbgrader export``'s CSV, safe to open in a spreadsheet.

nbgrader 0.9.6's ``CsvExportPlugin`` joins the fields with commas and writes no quotes, so a
student id or name with a comma or a line break shifts or splits its row, and a cell that starts
with ``=``, ``+``, ``-`` or ``@`` runs as a formula when the file is opened in a spreadsheet.
``SafeCsvExportPlugin`` writes the same columns and rows with ``textsafe.write_csv`` (the ``csv``
module, quoted where needed, every text cell through ``spreadsheet_cell``).
``nbgrader_config.py`` makes it the plugin of ``nbgrader export``;
``course.instructor.grading.export_csv`` uses it too.
"""
from nbgrader.api import MissingEntry
from nbgrader.plugins.export import CsvExportPlugin

from .textsafe import write_csv

__all__ = ["SafeCsvExportPlugin", "COLUMNS"]

COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
           "raw_score", "late_submission_penalty", "score", "max_score"]


class SafeCsvExportPlugin(CsvExportPlugin):
    """nbgrader's CSV export (same columns, same rows), quoted and formula-safe."""

    def export(self, gradebook):
        dest = self.to or "grades.csv"
        students = [str(s) for s in self.student]
        assignments = [str(a) for a in self.assignment]
        self.log.info("Exporting grades to %s", dest)
        rows = [COLUMNS]
        for assignment in gradebook.assignments:
            if assignments and assignment.name not in assignments:
                continue
            for student in gradebook.students:
                if students and student.id not in students:
                    continue
                row = {"assignment": assignment.name, "duedate": assignment.duedate,
                       "student_id": student.id, "last_name": student.last_name,
                       "first_name": student.first_name, "email": student.email,
                       "max_score": assignment.max_score}
                try:
                    sub = gradebook.find_submission(assignment.name, student.id)
                except MissingEntry:
                    row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0,
                               score=0.0)
                else:
                    penalty = sub.late_submission_penalty
                    row.update(timestamp=sub.timestamp, raw_score=sub.score,
                               late_submission_penalty=penalty,
                               score=max(0.0, sub.score - penalty))
                rows.append([row[k] if row[k] is None or isinstance(row[k], (int, float))
                             else str(row[k]) for k in COLUMNS])
        write_csv(dest, rows)
