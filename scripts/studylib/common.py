# scripts/studylib/common.py: what every question of the overlay design
# study (scripts/study, issue 11) shares: running nvosim (sweep, summarize,
# plot) with a log, reading sweep CSVs and results.xml, deriving per-run
# metrics into sweep-shaped CSVs, and formatting "mean ± half-width (n=N)"
# cells, tables and pages.
import csv
import math
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENCAPS = ["vxlan", "vxlan-gpe", "geneve", "gre-udp", "mpls-udp", "stt",
          "nvgre", "mpls-gre", "mpls-ip"]
T0 = time.monotonic()


def progress(msg):
    print("study [%5.1fs]: %s" % (time.monotonic() - T0, msg), flush=True)


def die(msg):
    print("scripts/study: " + msg, file=sys.stderr)
    sys.exit(1)


# --------------------------------------------------------------- running

class Runner:
    def __init__(self, nvosim, runs, jobs, work):
        self.nvosim = nvosim
        self.runs = runs
        self.jobs = jobs
        self.work = work
        self.log = open(os.path.join(work, "study.log"), "w")

    def call(self, args, what):
        self.log.write("$ " + " ".join(args) + "\n")
        self.log.flush()
        r = subprocess.run(args, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        self.log.write(r.stdout)
        self.log.flush()
        if r.returncode != 0:
            die("%s failed (exit %d):\n%s\n(the whole log: %s)"
                % (what, r.returncode, r.stdout[-3000:], self.log.name))
        return r.stdout

    def sweep(self, scenario, sets, varies, out, label):
        """nvosim sweep SCENARIO with --set SETS and --vary VARIES
        (a list of (path, [values])) into OUT (replaced)."""
        if os.path.exists(out):
            shutil.rmtree(out)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        args = [self.nvosim, "sweep", os.path.join(ROOT, "scenarios", scenario)]
        for s in sets:
            args += ["--set", s]
        for path, values in varies:
            args += ["--vary", "%s=%s" % (path, ",".join(values))]
        args += ["--runs", str(self.runs), "-j", str(self.jobs), "--out", out]
        points = 1
        for _, values in varies:
            points *= len(values)
        progress("%s: %d points x %d runs" % (label, points, self.runs))
        self.call(args, "nvosim sweep (%s)" % label)
        return out

    def summarize(self, src, csv_out, metrics):
        self.call([self.nvosim, "summarize", src, "--metrics", ",".join(metrics),
                   "--csv", csv_out], "nvosim summarize %s" % src)
        return read_stats(csv_out)

    def plot(self, src, x, y, out, by=None, logx=False, title=None, where=()):
        args = [self.nvosim, "plot", src, "-x", x, "-y", y, "--out", out]
        if by:
            args += ["--by", by]
        if logx:
            args += ["--logx"]
        for w in where:
            args += ["--where", w]
        if title:
            args += ["--title", title]
        self.call(args, "nvosim plot %s -y %s" % (src, y))


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def write_csv(path, header, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)


def read_stats(path):
    """summary-stats.csv as {tuple(varied values): {column: text}}."""
    header, rows = read_csv(path)
    first = next(i for i, h in enumerate(header) if h.endswith("_n"))
    out = {}
    for r in rows:
        out[tuple(r[1:first])] = dict(zip(header, r))
    return out


def sweep_rows(sweep_dir):
    """sweep.csv's rows as dicts, and the varied paths (header order)."""
    header, rows = read_csv(os.path.join(sweep_dir, "sweep.csv"))
    varied = header[1:header.index("seed")]
    return [dict(zip(header, r)) for r in rows], varied


def results_xml(sweep_dir, row):
    return ET.parse(os.path.join(sweep_dir, "runs",
                                 "P%s-R%s" % (row["point"], row["run"]),
                                 "results.xml")).getroot()


def derive(sweep_dir, name, metrics, fn, extra=None):
    """Per-run metrics computed by FN(row, results.xml root) -> {metric:
    value}, written as a sweep-shaped CSV (point, varied values, seed,
    run, METRICS) that nvosim summarize and nvosim plot read.  EXTRA:
    (column, value-of-row) inserted after the varied columns."""
    rows, varied = sweep_rows(sweep_dir)
    out = []
    for row in rows:
        vals = fn(row, results_xml(sweep_dir, row))
        line = [row["point"]] + [row[v] for v in varied]
        line += [row["seed"], row["run"]]
        line += [fmt_raw(vals.get(m)) for m in metrics]
        out.append(line)
    path = os.path.join(sweep_dir, name)
    write_csv(path, ["point"] + varied + ["seed", "run"] + metrics, out)
    return path


def fmt_raw(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, int):
        return str(v)
    return "%.10g" % v


def merge_sweeps(parts, column, path):
    """Sweep-shaped CSVs (value, csv path) into one, with COLUMN (the
    value) as the first varied column and the points renumbered."""
    header_out = None
    out = []
    base = 0
    for value, src in parts:
        header, rows = read_csv(src)
        if header_out is None:
            header_out = [header[0], column] + header[1:]
        top = 0
        for r in rows:
            p = int(r[0])
            top = max(top, p)
            out.append([str(base + p), value] + r[1:])
        base += top
    write_csv(path, header_out, out)
    return path


# --------------------------------------------------------------- formatting

def num(stats, metric, key="mean"):
    s = stats.get(metric + "_" + key, "")
    return float(s) if s != "" else None


def cell(stats, metric, digits=4):
    """mean ± 95% half-width (n=N), from a summary-stats row."""
    if stats is None:
        return "not run"
    n = int(stats.get(metric + "_n", "0") or 0)
    if n == 0:
        return "– (n=0)"
    mean = float(stats[metric + "_mean"])
    if n == 1:
        return "%s (n=1)" % g(mean, digits)
    h = float(stats[metric + "_ci95"])
    return "%s ± %s (n=%d)" % (g(mean, digits), g(h, 2), n)


def g(x, digits):
    if x == 0:
        return "0"
    s = "%.*g" % (digits, x)
    if "e" in s:
        s = "%.*f" % (max(0, digits - 1 - int(math.floor(math.log10(abs(x))))), x)
    return s


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "| " + " | ".join("---" for _ in header) + " |"]
    for r in rows:
        lines.append("| " + " | ".join(r) + " |")
    return "\n".join(lines)


def write_page(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
    progress("wrote " + os.path.relpath(path, os.getcwd()))



def generated_note(R):
    return ("*Generated by `scripts/study%s` (%d replications per grid "
            "point); do not edit: rerun it.*\n" % (
                " --quick" if R.quick else "", R.runs))


