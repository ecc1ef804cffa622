"""How many of each kind of mistake every chapter lists in tests/mistakes/.

    python benchmarks/mistake_kinds.py [--csv]

Rows are chapters, columns the kinds of tests/mistakes/__init__.py's KINDS (numbered, with a
legend below the table giving each number's kind, total and meaning), with totals per chapter
and per kind; "." is none. --csv prints the same counts as CSV with full names instead.
"""
import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from mistakes import KINDS, MISTAKES  # noqa: E402


def counts():
    """{chapter id: Counter(kind -> number of mistakes)}, in chapter order."""
    return {ch: Counter(kind for _, kind, *_ in entries) for ch, entries in MISTAKES.items()}


def table(per_chapter):
    kinds = list(KINDS)
    width = max(3, len(str(max((n for c in per_chapter.values() for n in c.values()),
                                default=0))) + 1)
    cell = lambda n: f"{n if n else '.':>{width}}"  # noqa: E731
    lines = ["chapter" + "".join(f"{i:>{width}}" for i in range(1, len(kinds) + 1)) + "  total"]
    for ch, c in per_chapter.items():
        lines.append(f"{ch[:4]:<7}" + "".join(cell(c[k]) for k in kinds)
                     + f"{sum(c.values()):>7}")
    total = sum(per_chapter.values(), Counter())
    lines.append(f"{'total':<7}" + "".join(cell(total[k]) for k in kinds)
                 + f"{sum(total.values()):>7}")
    lines += ["", f"{'':>2}  {'kind':<18}{'total':>6}  meaning"]
    for i, k in enumerate(kinds, 1):
        lines.append(f"{i:>2}  {k:<18}{total[k]:>6}  {KINDS[k]}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", action="store_true", help="CSV with full chapter and kind names")
    args = parser.parse_args(argv)
    per_chapter = counts()
    if args.csv:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["chapter", *KINDS, "total"])
        for ch, c in per_chapter.items():
            out.writerow([ch, *(c[k] for k in KINDS), sum(c.values())])
        total = sum(per_chapter.values(), Counter())
        out.writerow(["total", *(total[k] for k in KINDS), sum(total.values())])
    else:
        print(table(per_chapter))


if __name__ == "__main__":
    main()
