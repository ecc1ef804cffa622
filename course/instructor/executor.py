"""nbgrader's Execute, made fit for a class: a time budget per notebook, kernel restarts that
cost one cell, and a cap on each cell's output (``ResilientExecute``). ``course grade`` puts it in
place of nbgrader's ``Execute`` in ``Autograde.autograde_preprocessors``.
"""
import copy
import json
import time

from .cells import grade_id

__all__ = ["resilient_execute", "OUTPUT_CAP"]

OUTPUT_CAP = 1 << 20          # bytes of output kept per cell; the rest is dropped with a notice


def _resilient_execute():
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbformat.notebooknode import NotebookNode
    from nbgrader.preprocessors import Execute
    from traitlets import Float, Integer

    class ResilientExecute(Execute):
        """nbgrader's Execute, with three changes for class-scale grading:

        - a budget per notebook: each cell may use ``timeout`` seconds but no more than what is
          left of ``budget`` (at least 1 s), so a looping graded function costs the notebook its
          budget, not timeout x the cells that call it;
        - a kernel that dies, or ignores the interrupt at a time limit, costs only the cell that
          did it: the notebook is run again in a fresh kernel without that cell;
        - at most OUTPUT_CAP bytes of output per cell reach the grader's memory.
        """
        budget = Float(0.0, help="seconds per notebook (0: no budget)").tag(config=True)
        max_restarts = Integer(3).tag(config=True)
        # what happened, by cell name (grade id, or "cell N"), for the grading record; the
        # worker grading one student empties it first
        report = {"skipped": [], "timeouts": [], "cells_run": 0}

        def preprocess(self, nb, resources, km=None):
            original = copy.deepcopy(nb)
            names = [grade_id(c, f"cell {i + 1}")
                     for i, c in enumerate(nb.cells)]
            self.skip = {}
            self.deadline = time.monotonic() + self.budget if self.budget else None
            for attempt in range(self.max_restarts + 1):
                work = copy.deepcopy(original)
                self.current = None
                try:
                    out = super().preprocess(work, resources, km)
                    break
                except (DeadKernelError, CellTimeoutError) as e:
                    if self.current is None:          # the kernel never started: not a cell's fault
                        raise
                    why = ("the kernel died while running it" if isinstance(e, DeadKernelError)
                           else "it ran past its time limit and did not stop when interrupted")
                    self.skip[self.current] = why
                    self.report["skipped"].append((names[self.current], why))
            else:
                out = (work, resources)
            # code cells the last kernel ran: the guard writes one line after each of them
            self.report["cells_run"] = sum(
                1 for i, c in enumerate(original.cells)
                if c.cell_type == "code" and c.source.strip() and i not in self.skip)
            nb.cells = out[0].cells
            nb.metadata = out[0].metadata
            self.report["timeouts"] += [
                names[i] for i, cell in enumerate(nb.cells)
                if any(o.get("output_type") == "error" and o.get("ename") == "CellTimeoutError"
                       for o in cell.get("outputs", []))]
            return nb, out[1]

        def preprocess_cell(self, cell, resources, index):
            self.current = index
            self.cell_bytes = 0
            if index in self.skip:
                cell.outputs = [NotebookNode(
                    output_type="error", ename="KernelStopped", evalue=self.skip[index],
                    traceback=[f"KernelStopped: this cell was not run again because "
                               f"{self.skip[index]}; the rest of the notebook was graded "
                               "in a fresh kernel"])]
                return cell, resources
            return super().preprocess_cell(cell, resources, index)

        def _get_timeout(self, cell):
            limit = super()._get_timeout(cell)
            if self.deadline is None:
                return limit
            left = max(1.0, self.deadline - time.monotonic())
            return int(min(limit or left, left) + 0.999)

        def output(self, outs, msg, display_id, cell_index):
            size = len(json.dumps(msg.get("content", {})))
            self.cell_bytes += size
            if self.cell_bytes > OUTPUT_CAP:
                if self.cell_bytes - size <= OUTPUT_CAP:
                    outs.append(NotebookNode(output_type="stream", name="stderr",
                                             text=f"\n[output beyond {OUTPUT_CAP >> 20} MB "
                                                  "dropped by the grader]\n"))
                return None
            return super().output(outs, msg, display_id, cell_index)

    return ResilientExecute


_CLASSES = {}


def resilient_execute():
    """The ResilientExecute class (built on first use: nbgrader is imported only when needed)."""
    if "ResilientExecute" not in _CLASSES:
        _CLASSES["ResilientExecute"] = _resilient_execute()
    return _CLASSES["ResilientExecute"]
