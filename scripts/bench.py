"""Benchmarks: whole processes, best of several runs, ratios against baselines timed in the same run.

Baselines: a plain ``openpyxl.load_workbook`` of the big workbook (for check, summary and export)
and a naive ``pandas.read_excel`` loop over the 290 export files (for region). Results go to
``bench/results.json`` and into the README between the bench markers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / "cache"
RESULTS = ROOT / "bench" / "results.json"
README = ROOT / "README.md"
PY = sys.executable
PEAK = str(ROOT / "scripts" / "peak_memory.py")
CLI = [PY, "-m", "halsocenter"]

BIG_SIZES = {"referrals": 50_000, "followups": 20_000, "sessions": 5_000, "attendance": 50_000}
N_EXPORTS = 290
TARGETS = {  # name: (baseline, maximum ratio, or minimum speed-up when "speedup")
    "check": ("openpyxl_load", 0.3),
    "summary": ("openpyxl_load", 1.0),
    "export": ("openpyxl_load", 1.0),
    "region": ("pandas_loop", "speedup", 5.0),
}
MEMORY_LIMIT_MB = 1024

console = Console()


def cache_key() -> str:
    """Changes when the generators change, so cached inputs are rebuilt then."""
    import hashlib

    h = hashlib.sha256()
    for name in ("examples.py", "template.py", "contract.py", "export.py", "region.py"):
        path = ROOT / "addin" / "halsocenter" / name
        if path.exists():
            h.update(path.read_bytes())
    h.update(json.dumps(BIG_SIZES).encode())
    return h.hexdigest()[:12]


def prepare() -> tuple[Path, Path]:
    key = cache_key()
    folder = CACHE / key
    big = folder / "stor_arbetsbok.xlsx"
    exports = folder / "exportfiler"
    if not big.exists():
        if CACHE.exists():
            shutil.rmtree(CACHE)
        folder.mkdir(parents=True)
        console.print(f"Genererar arbetsbok med {BIG_SIZES} ...")
        from halsocenter import examples, template

        t = time.perf_counter()
        template.write_workbook(examples.generate("Jönköping", 2024, size=BIG_SIZES), big)
        console.print(f"  klar på {time.perf_counter() - t:.1f} s")
    if not exports.exists():
        console.print(f"Genererar {N_EXPORTS} exportfiler ...")
        from halsocenter import region

        tmp = folder / "exportfiler.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        region.write_bench_exports(tmp, n=N_EXPORTS)
        tmp.rename(exports)
    return big, exports


def run_once(cmd: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak resident memory (MB) of one child process. ``cmd`` is
    ``[python, "-m" | "-c", target, args...]``; the child reports its own peak memory."""
    with tempfile.TemporaryFile() as errors, tempfile.NamedTemporaryFile("r") as peak:
        # stderr goes to a file: a full pipe would stall the child
        start = time.perf_counter()
        proc = subprocess.run([cmd[0], PEAK, peak.name, *cmd[1:]], stdout=subprocess.DEVNULL,
                              stderr=errors, check=False)  # fmt: skip
        elapsed = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            errors.seek(0)
            tail = errors.read()[-4000:].decode(errors="replace")
            raise RuntimeError(f"{cmd[:4]} … gav slutkod {proc.returncode}:\n{tail}")
        kb = int(peak.read() or 0)
    return elapsed, kb / 1024


def best_of(name: str, cmd: list[str], runs: int) -> dict:
    times, mems = [], []
    for _ in range(runs):
        t, m = run_once(cmd)
        times.append(t)
        mems.append(m)
    console.print(f"  {name:<14} bäst {min(times):7.2f} s   (alla: "
                  f"{', '.join(f'{t:.2f}' for t in times)})   minne {max(mems):6.0f} MB")
    return {"seconds": min(times), "runs": times, "peak_mb": max(mems)}


def main() -> int:
    parser = argparse.ArgumentParser(description="Hälsocenters prestandamätning")
    parser.add_argument("--runs", type=int, default=3, help="körningar per mätning (bäst räknas)")
    parser.add_argument("--no-readme", action="store_true", help="uppdatera inte README.md")
    args = parser.parse_args()

    big, exports = prepare()
    work = Path(tempfile.mkdtemp(prefix="hc_bench_"))
    files = sorted(str(p) for p in exports.glob("*.xlsx"))
    naive = ("import sys, pandas\n"
             "for p in sys.argv[1:]:\n"
             "    pandas.read_excel(p, sheet_name=None)\n")  # fmt: skip
    jobs = {
        "openpyxl_load": [PY, "-c", "import sys, openpyxl; openpyxl.load_workbook(sys.argv[1])",
                          str(big)],
        "check": [*CLI, "check", str(big), "--json"],
        "summary": [*CLI, "summary", str(big), "-o", str(work / "summary.xlsx")],
        "export": [*CLI, "export", str(big), "-o", str(work / "export")],
        "pandas_loop": [PY, "-c", naive, *files],
        "region": [*CLI, "region", str(exports), "-o", str(work / "lanet.xlsx"), "--json"],
    }  # fmt: skip
    console.print(f"Mäter (bäst av {args.runs}) ...")
    results = {name: best_of(name, cmd, args.runs) for name, cmd in jobs.items()}
    shutil.rmtree(work, ignore_errors=True)

    rows = []
    for name, spec in TARGETS.items():
        base = results[spec[0]]["seconds"]
        mine = results[name]["seconds"]
        if spec[1] == "speedup":
            value, goal = base / mine, spec[2]
            ok = value >= goal
            text_value, text_goal = f"{value:.1f}× snabbare", f"≥ {goal:g}× snabbare"
        else:
            value, goal = mine / base, spec[1]
            ok = value <= goal
            text_value, text_goal = f"{value:.2f}×", f"≤ {goal:g}×"
        rows.append({"job": name, "baseline": spec[0], "seconds": round(mine, 3),
                     "baseline_seconds": round(base, 3), "ratio": round(value, 3),
                     "target": goal, "kind": "speedup" if spec[1] == "speedup" else "ratio",
                     "met": ok, "text": text_value, "goal": text_goal})  # fmt: skip
    peak = max(results[n]["peak_mb"] for n in ("check", "summary", "export"))
    machine = {
        "cpu": _cpu_name(), "cores": os.cpu_count(), "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "date": datetime.now().strftime("%Y-%m-%d"),
    }  # fmt: skip
    report = {"machine": machine, "sizes": BIG_SIZES, "exports": N_EXPORTS, "runs": args.runs,
              "results": results, "ratios": rows,
              "peak_memory_mb": round(peak), "memory_limit_mb": MEMORY_LIMIT_MB,
              "memory_met": peak < MEMORY_LIMIT_MB}  # fmt: skip
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")

    table = Table(title="Resultat")
    for col in ("Jobb", "Tid", "Jämförelse", "Kvot", "Mål", "Uppfyllt"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["job"], f"{r['seconds']:.2f} s", f"{r['baseline']} {r['baseline_seconds']:.2f} s",
                      r["text"], r["goal"], "ja" if r["met"] else "[red]nej[/]")  # fmt: skip
    table.add_row("minne (max)", f"{peak:.0f} MB", "", "", f"< {MEMORY_LIMIT_MB} MB",
                  "ja" if peak < MEMORY_LIMIT_MB else "[red]nej[/]")  # fmt: skip
    console.print(table)
    console.print(f"Skrev {RESULTS.relative_to(ROOT)}")
    if not args.no_readme:
        update_readme(report)
    return 0


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _n(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def markdown_table(report: dict) -> str:
    m = report["machine"]
    lines = [
        f"Senaste körning {m['date']} på {m['cpu']} ({m['cores']} kärnor), Python {m['python']}, "
        f"{m['system']}. Indata: {_n(report['sizes']['referrals'])} remisser, "
        f"{_n(report['sizes']['followups'])} uppföljningar, {_n(report['sizes']['sessions'])} "
        f"tillfällen, {_n(report['sizes']['attendance'])} närvarorader; {report['exports']} "
        f"exportfiler. Hela processer, bäst av {report['runs']}; toppminne per process.",
        "",
        "| Jobb | Tid | Jämförelse (samma körning) | Kvot | Mål | Uppfyllt |",
        "|---|---|---|---|---|---|",
    ]
    for r in report["ratios"]:
        lines.append(f"| `{r['job']}` | {r['seconds']:.2f} s | {r['baseline']} "
                     f"{r['baseline_seconds']:.2f} s | {r['text']} | {r['goal']} | "
                     f"{'ja' if r['met'] else 'nej'} |")  # fmt: skip
    lines.append(f"| toppminne | {report['peak_memory_mb']} MB | | | < {report['memory_limit_mb']} "
                 f"MB | {'ja' if report['memory_met'] else 'nej'} |")  # fmt: skip
    return "\n".join(lines)


def update_readme(report: dict) -> None:
    text = README.read_text()
    block = f"<!-- bench:start -->\n{markdown_table(report)}\n<!-- bench:end -->"
    new, n = re.subn(r"<!-- bench:start -->.*?<!-- bench:end -->", block, text, flags=re.S)
    if n:
        README.write_text(new)
        console.print("Uppdaterade prestandatabellen i README.md")


if __name__ == "__main__":
    sys.exit(main())
