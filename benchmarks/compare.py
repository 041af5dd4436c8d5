"""Compare two versions of the code from interleaved runs of `make bench` (benchmarks/README.md, « Comparing
two commits »).

    .venv/bin/python benchmarks/compare.py benchmarks/results/socle-v2-ab

The folder holds one sub-folder per round, each with the JSON files of one `make bench`; a round whose
name contains « before » is the old code, « after » the new one (e.g. 1-before, 2-after, 3-after,
4-before: the order A B B A cancels a drift of the machine over the session). For every metric the
script prints each round, the mean of each side and the change; the change is flagged when it is worse
by more than 10 %. Latencies are worse when higher, rates (`rps`, `per_s`, `throughput`) when lower.
It also prints the CPU each request cost the server and PostgreSQL (from each run's `cpu`), the measure
least sensitive to the tail noise of a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

BENCHMARKS = ("socle", "inscriptions", "presences", "animation", "borne", "accompagnement")
HIGHER_IS_BETTER = ("rps", "per_s", "throughput")
CPU_KEYS = ("gunicorn_cpu_ms_per_request", "postgres_cpu_ms_per_request")
THRESHOLD_PERCENT = 10


def cpu_per_request(result: dict) -> dict[str, list[float]]:
    """Every `*_cpu_ms_per_request` figure found in the result's runs, by key."""
    found: dict[str, list[float]] = {}

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in CPU_KEYS and isinstance(value, int | float):
                    found.setdefault(key, []).append(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(result.get("runs", []))
    return found


def compare(folder: Path) -> list[str]:
    rounds = sorted(path for path in folder.iterdir() if path.is_dir())
    lines: list[str] = []
    for name in BENCHMARKS:
        results = {
            r.name: json.loads((r / f"{name}.json").read_text())
            for r in rounds
            if (r / f"{name}.json").exists()
        }
        if not any("before" in r for r in results) or not any("after" in r for r in results):
            continue
        lines.append(f"== {name}")
        first = next(iter(results.values()))
        for metric in first["metrics"]:
            values = {r: results[r]["metrics"].get(metric) for r in results}
            if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values.values()):
                continue
            before = statistics.mean(v for r, v in values.items() if "before" in r)
            after = statistics.mean(v for r, v in values.items() if "after" in r)
            change = (after - before) / before * 100 if before else 0.0
            higher_is_better = any(word in metric for word in HIGHER_IS_BETTER)
            worse = change < -THRESHOLD_PERCENT if higher_is_better else change > THRESHOLD_PERCENT
            rounds_text = "  ".join(f"{r}={v}" for r, v in values.items())
            flag = f"  worse by more than {THRESHOLD_PERCENT} %" if worse else ""
            lines.append(
                f"  {metric}: {rounds_text}  | before {before:.2f} after {after:.2f} ({change:+.1f} %){flag}"
            )
        for side in ("before", "after"):
            costs: dict[str, list[float]] = {}
            for r, result in results.items():
                if side in r:
                    for key, values in cpu_per_request(result).items():
                        costs.setdefault(key, []).extend(values)
            if costs:
                text = ", ".join(
                    f"{key.split('_')[0]} {statistics.mean(v):.2f} ms" for key, v in costs.items()
                )
                lines.append(f"  CPU per request, {side}: {text}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of rounds named …before… and …after…")
    print("\n".join(compare(parser.parse_args().folder)))


if __name__ == "__main__":
    main()
