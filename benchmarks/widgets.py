"""How fast every chapter's widgets redraw: does the picture keep up with the hand?

    python benchmarks/widgets.py [CHAPTER ...] [--json FILE]

Runs each chapter's source notebook (solutions) in a kernel with nbclient, then, in that same
kernel, finds every explorer (``course.widgets.Explorer``: in the notebook's variables and in its
displayed outputs) and times its redraw (the function a control's change calls) for several values
of each control in turn: a slider's ends and three points between, a dropdown's options (up to
five), a checkbox both ways. Prints a table per widget (median and worst milliseconds per redraw)
and which widgets miss the goal: median at most 100 ms and worst at most 250 ms.
"""
import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOAL_MEDIAN, GOAL_WORST = 0.100, 0.250

MEASURE = r'''
import json as _json, time as _time
from course.widgets.explorer import Explorer as _Explorer

def _control_values(slider):
    kind = type(slider).__name__
    if kind == "Dropdown":
        return list(slider.options)[:5]
    if kind == "Checkbox":
        return [not slider.value, slider.value]
    if kind in ("IntSlider", "FloatSlider"):
        lo, hi = slider.min, slider.max
        vals = [lo + (hi - lo) * k / 4 for k in range(5)]
        return [int(round(v)) for v in vals] if kind == "IntSlider" else vals
    if kind == "FloatLogSlider":
        return [slider.base ** (slider.min + (slider.max - slider.min) * k / 4)
                for k in range(5)]
    return []

_found = []
for _v in list(globals().values()) + list(globals().get("Out", {}).values()):
    if isinstance(_v, _Explorer) and not any(_v is _f for _f in _found):
        _found.append(_v)
_results = []
for _ex in _found:
    _times, _start = [], dict(_ex.values)
    _ex._render(**_start)                         # warm: the first draw fills caches
    for _name, _slider in getattr(_ex, "sliders", {}).items():
        for _value in _control_values(_slider):
            _vals = dict(_start, **{_name: _value})
            _t = _time.perf_counter()
            _ex._render(**_vals)
            _times.append(_time.perf_counter() - _t)
    _results.append({"title": getattr(_ex, "title", None) or "(untitled)", "times": _times,
                     "continuous": getattr(_ex, "continuous", False)})
print("WIDGET-TIMES " + _json.dumps(_results))
'''


def measure(chapter):
    import nbformat
    from nbclient import NotebookClient

    path = ROOT / "source" / chapter / f"{chapter}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(MEASURE))
    env_before = dict(os.environ)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       extra_arguments=["--IPKernelApp.log_level=ERROR"],
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    for out in nb.cells[-1].get("outputs", []):
        text = out.get("text", "")
        if "WIDGET-TIMES " in text:
            return json.loads(text.split("WIDGET-TIMES ", 1)[1])
    return []


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", help="chapter ids (default: all)")
    parser.add_argument("--json", help="also write the measurements here")
    args = parser.parse_args()
    from course.instructor.chapters import find_chapters
    chapters = [c.id for c in find_chapters(ROOT)
                if not args.chapters or c.id in args.chapters or c.id[:4] in args.chapters]
    print(f"{'chapter':<26} {'widget':<46} {'n':>3} {'median':>8} {'worst':>8}  live")
    rows, started = [], time.monotonic()
    for chapter in chapters:
        for w in measure(chapter):
            if not w["times"]:
                continue
            med, worst = statistics.median(w["times"]), max(w["times"])
            rows.append({"chapter": chapter, **w, "median": med, "worst": worst})
            miss = "" if med <= GOAL_MEDIAN and worst <= GOAL_WORST else "  MISSES GOAL"
            print(f"{chapter:<26} {w['title'][:46]:<46} {len(w['times']):>3} "
                  f"{med * 1e3:7.0f}ms {worst * 1e3:7.0f}ms  "
                  f"{'yes' if w['continuous'] else 'no':<4}{miss}", flush=True)
    if rows:
        meds = [r["median"] for r in rows]
        worst = max(rows, key=lambda r: r["worst"])
        misses = [r for r in rows if r["median"] > GOAL_MEDIAN or r["worst"] > GOAL_WORST]
        seconds = time.monotonic() - started
        print(f"\n{len(rows)} widgets in {len(chapters)} chapters ({seconds:.0f} s):"
              f" medians {min(meds) * 1e3:.0f}-{max(meds) * 1e3:.0f} ms (median of medians "
              f"{statistics.median(meds) * 1e3:.0f} ms), worst redraw "
              f"{worst['worst'] * 1e3:.0f} ms "
              f"({worst['chapter']}); goal median <= {GOAL_MEDIAN * 1e3:.0f} ms and worst <= "
              f"{GOAL_WORST * 1e3:.0f} ms: {len(rows) - len(misses)} meet it, {len(misses)} miss")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
