"""tests/studycheck.py: what the checks of the study's pages share.

Each tests/study_*.sh runs one question of scripts/study (or reads a page
already made, with STUDY_CHECK_ONLY=R) and checks the markdown page
against exact arithmetic.  The pages' cells are "mean ± h (n=N)", or
"n/a (why)" / "n/a: why" where a design has no value.  This module parses
the tables and cells and keeps the count of checks and the failures:

    from studycheck import Checks, tables, table_list, section
    ck = Checks("study_q5", runs)
    ck.exact(cell, 64, "gateway labels")      # mean exactly 64, h 0, n runs
    ...
    ck.done()                                 # prints, exits 0 or 1

The shell script puts this directory on PYTHONPATH.
"""

import os
import re
import sys

CELL = re.compile(r"^(-?[0-9.]+) ± ([0-9.]+) \(n=(\d+)\)$")


def parse(c):
    """(mean, half-width, n) of a cell "mean ± h (n=N)", or None."""
    m = CELL.match(c.strip())
    if not m:
        return None
    return float(m.group(1)), float(m.group(2)), int(m.group(3))


def table_list(path):
    """[(section, heading, header, rows)] of the page's markdown tables in
    order: 'section' the latest "## " heading, 'heading' the latest heading
    of any level, 'header' the first row's cells, 'rows' the others (the
    "---" separator left out)."""
    res = []
    sect = head = cur = None
    for line in open(path).read().splitlines():
        if line.startswith("## "):
            sect = line[3:].strip()
        if line.startswith("#"):
            head = line.lstrip("#").strip()
            cur = None
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cur is None:
                cur = (sect, head, cells, [])
                res.append(cur)
            elif not set("".join(cells)) <= set("- "):
                cur[3].append(cells)
        else:
            cur = None
    return res


def tables(path):
    """{heading: [header, rows]}: the page's tables by the heading above
    them (the last table under a heading, when there are several)."""
    return {head: [hdr, rows] for _, head, hdr, rows in table_list(path)}


class Checks:
    """The checks of one page: 'runs' is the n every cell must show."""

    def __init__(self, name, runs):
        self.name = name
        self.runs = runs
        self.fails = []
        self.checks = 0

    def fail(self, msg):
        self.fails.append(msg)

    def count(self, n=1):
        """Counts checks made by the caller's own comparisons."""
        self.checks += n

    def value(self, c, where):
        """(mean, h, n) of the cell, checked to parse and to have n = runs;
        None (and a failure) if it does not parse."""
        self.checks += 1
        p = parse(c)
        if p is None:
            self.fail("%s: cell %r does not parse as mean ± h (n=N)"
                      % (where, c))
            return None
        if p[2] != self.runs:
            self.fail("%s: n=%d, expected %d runs" % (where, p[2], self.runs))
        return p

    def exact(self, c, want, where, tol=None):
        """The cell's mean is 'want' (within 'tol', by default 1e-9 of
        max(1, |want|): the page's printed digits) with half-width 0."""
        p = self.value(c, where)
        if tol is None:
            tol = 1e-9 * max(1.0, abs(want))
        if p is not None and (abs(p[0] - want) > tol or p[1] != 0):
            self.fail("%s: %r, expected exactly %g ± 0" % (where, c, want))
        return p

    def between(self, c, lo, hi, where):
        """The cell's mean in [lo, hi]; returns it (None if unparsed)."""
        p = self.value(c, where)
        if p is not None and not lo <= p[0] <= hi:
            self.fail("%s: %g not in [%g, %g]" % (where, p[0], lo, hi))
        return p[0] if p is not None else None

    def na(self, c, where, prefix="n/a", min_len=0):
        """The cell says n/a with a reason: starts with 'prefix' and is at
        least 'min_len' characters."""
        self.checks += 1
        if not c.startswith(prefix) or len(c) < min_len:
            self.fail("%s: %r, expected n/a with a reason" % (where, c))

    def files(self, out, pages=(), imgs=()):
        """The pages and the plots (img/NAME.png and .svg, not empty)
        exist in 'out'; a missing page ends the check at once."""
        for page in pages:
            if not os.path.exists(os.path.join(out, page)):
                print("missing page " + page)
                sys.exit(1)
        for img in imgs:
            for ext in ("png", "svg"):
                f = os.path.join(out, "img", img + "." + ext)
                if not os.path.exists(f) or os.path.getsize(f) == 0:
                    self.fail("missing plot img/%s.%s" % (img, ext))

    def section(self, t, prefix):
        """[header, rows] of the first table of 'tables()' whose heading
        starts with 'prefix'."""
        for k, v in t.items():
            if k is not None and k.startswith(prefix):
                return v
        self.fail("no table under a heading %r" % prefix)
        return [[], []]

    def done(self, what="checks passed"):
        if self.fails:
            print("\n".join(self.fails))
            print("%s: %d of %d checks failed"
                  % (self.name, len(self.fails), self.checks))
            sys.exit(1)
        print("%s: all %d %s" % (self.name, self.checks, what))
        sys.exit(0)
