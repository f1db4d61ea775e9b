"""Run every benchmark of bench/ in turn, each in its own process with this Python.

    python bench/run.py            # `make bench`
    DATABASE_URL=postgres://... python bench/run.py

The benchmarks print their own figures; this runner only says which ones crashed, and exits
non-zero when one did (a benchmark's exit status, never its timings, decides).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def benchmarks() -> list[Path]:
    return sorted(
        path
        for path in HERE.glob("*.py")
        if path.name != Path(__file__).name and not path.name.startswith("_")
    )


def main() -> int:
    found = benchmarks()
    if not found:
        print("Aucun benchmark dans bench/.", file=sys.stderr)
        return 1
    results: list[tuple[str, int, float]] = []
    for path in found:
        print(f"\n========== {path.name} ==========", flush=True)
        started = time.perf_counter()
        status = subprocess.call([sys.executable, str(path)], cwd=HERE.parent)
        results.append((path.name, status, time.perf_counter() - started))
    print("\n========== Résumé ==========")
    for name, status, seconds in results:
        verdict = "OK" if status == 0 else f"ÉCHEC (code {status})"
        print(f"{name:<30} {verdict:<16} {seconds:6.1f} s")
    failed = [name for name, status, _ in results if status != 0]
    if failed:
        print(f"En échec : {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
