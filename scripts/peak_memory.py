"""Run Python code the way `python -m MODULE …` or `python -c CODE …` would, then write the
process's own peak resident memory (kB) to a file.

Used by scripts/bench: the ru_maxrss that wait4 reports on Linux also counts the parent's memory
at the time of the fork, so each child reads its own high-water mark (VmHWM) instead.
"""

import atexit
import os
import runpy
import sys


def _record(path: str) -> None:
    peak = 0
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1])
    except OSError:  # not Linux: the best figure there is
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open(path, "w") as out:
        out.write(str(peak))


def main() -> None:
    out, mode, target, *args = sys.argv[1:]
    atexit.register(_record, out)
    real_exit = os._exit

    def record_then_exit(code: int) -> None:  # the halsocenter command leaves with os._exit
        _record(out)
        real_exit(code)

    os._exit = record_then_exit
    if mode == "-m":
        sys.argv = [target, *args]
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        sys.argv = ["-c", *args]
        exec(compile(target, "<bench>", "exec"), {"__name__": "__main__"})


if __name__ == "__main__":
    main()
