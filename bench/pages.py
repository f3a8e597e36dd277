"""Main pages under load: gunicorn (2 workers) on a generated database, against /health.

For each database (SQLite, PostgreSQL) and scale, the benchmark fills a database with
`talent generate --scale N` (or reuses it), picks the busiest people and objects in it, counts
each page's SQL queries in-process, starts gunicorn as production runs it, logs in as each
role through the login form, and loads each page over 16 keep-alive connections: requests
per second, p50 and p95 latency, failures, and the peak memory (VmHWM) of each worker. The
bare /health endpoint (the ceiling of this stack on this machine) runs right before each
page, so that a page is compared with a ceiling measured under the same background load. The
load generator's own ceiling (against a canned server in its own process) is measured too.

    .venv/bin/python bench/pages.py [--scale 1 --scale 100] [--database sqlite
        --database postgresql] [--reuse] [--seconds 5] [--connections 16]

Databases live in bench/out/ (SQLite) and in PostgreSQL as talent_bench_<scale>
(--postgresql-url names the server); --reuse keeps one that an earlier run generated.
Targets (issue 8): every page ≥ 15 % of /health's rate and p95 < 50 ms at scale 100; each
page's time at scale 100 within 1.3 × scale 1; no page over 15 queries. --json writes the
rows; --markdown FILE prints the tables of such a file again.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import loadgen  # noqa: E402
from bench.targets import Target, count_queries, pick_targets  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VENV_BIN = Path(sys.executable).parent
SECRET = "bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - a benchmark
TARGET_SHARE, TARGET_P95_MS, TARGET_GROWTH, QUERY_BUDGET = 0.15, 50.0, 1.3, 15


def tag(scale: float) -> str:
    return f"{scale:g}".replace(".", "_")


def database_url(kind: str, scale: float, postgresql_url: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{OUT / f'talent-scale-{tag(scale)}.db'}"
    return f"{postgresql_url.rstrip('/')}/talent_bench_{tag(scale)}"


def talent(*arguments: str, url: str) -> None:
    env = {**os.environ, "TALENT_ENV": "development", "TALENT_DATABASE_URL": url}
    subprocess.run([str(VENV_BIN / "talent"), *arguments], env=env, cwd=ROOT, check=True)  # noqa: S603


def prepare(kind: str, scale: float, url: str, *, reuse: bool) -> None:
    """Generate the database, or keep the one an earlier run generated when reusing."""
    marker = OUT / f"{kind}-scale-{tag(scale)}.json"
    if reuse and marker.exists():
        print(f"reusing {kind} at scale {scale:g} (generated {json.loads(marker.read_text())})")
        talent("db", "upgrade", url=url)  # tables added since it was generated
        return
    marker.unlink(missing_ok=True)
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        import psycopg

        server, name = url.rsplit("/", 1)
        with psycopg.connect(
            server.replace("+psycopg", "") + "/postgres", autocommit=True
        ) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {name}")
    print(f"generating {kind} at scale {scale:g} …", flush=True)
    started = time.perf_counter()
    talent("db", "upgrade", url=url)
    talent("generate", "--scale", f"{scale:g}", url=url)
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps({"at": time.strftime("%Y-%m-%d %H:%M"), "seconds": seconds}))


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_gunicorn(url: str, port: int, args) -> subprocess.Popen:
    env = {
        **os.environ,
        "TALENT_ENV": "production",
        "TALENT_SECRET_KEY": SECRET,
        "TALENT_DATABASE_URL": url,
        "TALENT_BASE_URL": "https://talent.bench.invalid",
    }
    command = [str(VENV_BIN / "gunicorn"), "--workers", str(args.workers)]
    if args.threads > 1:
        command += ["--threads", str(args.threads)]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"]
    server = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603 - our own command
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if loadgen.fetch(port, "/health", "")[0] == 200 and len(worker_pids(server.pid)) == (
                args.workers
            ):
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /health within a minute")


def measure(kind: str, scale: float, url: str, args) -> list[dict]:
    """Count queries in-process, then load every page through gunicorn; one row per page."""
    targets, logins = pick_targets(url, kind=kind, secret=SECRET)
    if args.only:
        targets = [t for t in targets if t.label in args.only]
    queries = count_queries(url, targets, logins, secret=SECRET)
    port = loadgen.free_port()
    server = start_gunicorn(url, port, args)
    rows: list[dict] = []

    def run(target: Target, cookie: str = "") -> loadgen.Result:
        return loadgen.load(
            port,
            target.path,
            cookie,
            connections=args.connections,
            seconds=args.seconds,
            warmup=args.warmup,
        )

    try:
        cookies = {
            user: loadgen.login(port, email, password) for user, (email, password) in logins.items()
        }
        health = Target("/health (ceiling)", None, "/health")
        for target in [health, *targets]:
            cookie = cookies.get(target.user, "")
            status, text = loadgen.fetch(port, target.path, cookie)
            if status != 200 or 'name="password"' in text:
                print(f"  {target.label}: {target.path} answered {status}; skipped")
                continue
            # /health runs right before each page: the ceiling under the same background load.
            paired = run(health) if target is not health else None
            result = run(target, cookie)
            peaks = [peak_mb(pid) for pid in worker_pids(server.pid)]
            row = {
                "database": kind,
                "scale": scale,
                "page": target.label,
                "path": target.path,
                "rate": result.rate,
                "health_rate": paired.rate if paired else result.rate,
                "p50": result.percentile(0.50),
                "p95": result.percentile(0.95),
                "requests": len(result.latencies),
                "failures": result.failures,
                "queries": queries[target.label][0],
                "alone_ms": queries[target.label][1],
                "peak_mb": peaks,
            }
            rows.append(row)
            print(
                f"  {row['page']:<24} {row['rate']:6.0f}/s (/health {row['health_rate']:4.0f}/s)"
                f"  p50 {row['p50']:6.1f} ms  p95 {row['p95']:6.1f} ms  queries {row['queries']}"
                f"  failures {row['failures']}  peak {' / '.join(f'{p:.0f}' for p in peaks)} MB",
                flush=True,
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    return rows


def generator_ceiling(args) -> dict:
    """What the load generator reaches against a server that does nothing."""
    port = loadgen.free_port()
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=loadgen.serve_canned, args=(port, ready), daemon=True)
    server.start()
    ready.wait(10)
    result = loadgen.load(
        port, "/health", "", connections=args.connections, seconds=args.seconds, warmup=0.5
    )
    server.terminate()
    return {"rate": result.rate, "p50": result.percentile(0.5), "p95": result.percentile(0.95)}


def markdown(rows: list[dict], ceiling: dict) -> str:
    """The figures as Markdown tables: one per database and scale, then growth 1 → max scale."""
    lines = [
        f"Load generator alone (canned server): {ceiling['rate']:.0f} requests/s, "
        f"p50 {ceiling['p50']:.1f} ms, p95 {ceiling['p95']:.1f} ms.",
        "",
    ]
    runs = sorted({(row["database"], row["scale"]) for row in rows})
    for kind, scale in runs:
        run = [row for row in rows if (row["database"], row["scale"]) == (kind, scale)]
        health = [r["health_rate"] for r in run]
        lines += [
            f"**{kind}, scale {scale:g}** (/health: {min(health):.0f}–{max(health):.0f} "
            "requests/s over the run)",
            "",
            "| page | requests/s | /health just before | % of /health | p50 ms | p95 ms "
            "| alone ms | queries | failures | peak RSS per worker (MB) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for row in run:
            share = row["rate"] / row["health_rate"] if row["health_rate"] else 0
            misses = row["path"] != "/health" and (
                share < TARGET_SHARE
                or row["p95"] >= TARGET_P95_MS
                or (row["queries"] or 0) > QUERY_BUDGET
            )
            lines.append(
                f"| {row['page']}{' ✗' if misses and scale >= 100 else ''} | {row['rate']:.0f} "
                f"| {row['health_rate']:.0f} | {share:.0%} | {row['p50']:.1f} | {row['p95']:.1f} "
                f"| {row.get('alone_ms') or float('nan'):.1f} "
                f"| {row['queries'] if row['queries'] is not None else '–'} | {row['failures']} "
                f"| {' / '.join(f'{p:.0f}' for p in row['peak_mb'])} |"
            )
        lines.append("")
    scales = sorted({scale for _, scale in runs})
    if len(scales) > 1:
        low, high = scales[0], scales[-1]
        kinds = sorted({k for k, _ in runs})
        lines += [
            f"**Time at scale {high:g} ÷ time at scale {low:g}** (target ≤ {TARGET_GROWTH}): "
            "p50 under load, and the median of\nsingle requests in-process (alone)",
            "",
            "| page | " + " | ".join(f"{k} p50 | {k} alone" for k in kinds) + " |",
            "|---|" + "---:|---:|" * len(kinds),
        ]
        for page in dict.fromkeys(row["page"] for row in rows):
            cells = []
            for kind in kinds:
                for key in ("p50", "alone_ms"):
                    pair = {
                        r["scale"]: r.get(key)
                        for r in rows
                        if r["database"] == kind and r["page"] == page and r["scale"] in (low, high)
                    }
                    ratio = (
                        pair[high] / pair[low] if len(pair) == 2 and all(pair.values()) else None
                    )
                    mark = " ✗" if ratio is not None and ratio > TARGET_GROWTH else ""
                    cells.append("–" if ratio is None else f"{ratio:.2f}{mark}")
            lines.append(f"| {page} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, action="append", help="default: 1 and 100")
    parser.add_argument(
        "--database", choices=("sqlite", "postgresql"), action="append", help="default: both"
    )
    parser.add_argument("--reuse", action="store_true", help="keep databases generated before")
    parser.add_argument("--postgresql-url", default="postgresql+psycopg://postgres@127.0.0.1")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per page")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds first")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--only", action="append", help="measure only pages with this label")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    parser.add_argument("--markdown", type=Path, help="only print the tables of a --json file")
    args = parser.parse_args()
    if args.markdown:
        saved = json.loads(args.markdown.read_text())
        print(markdown(saved["rows"], saved["ceiling"]))
        return
    scales = args.scale or [1.0, 100.0]
    databases = args.database or ["sqlite", "postgresql"]

    OUT.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    print(f"{os.cpu_count()} CPUs, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    ceiling = generator_ceiling(args)
    print(f"load generator alone: {ceiling['rate']:.0f} requests/s", flush=True)
    rows: list[dict] = []
    for kind in databases:
        for scale in scales:
            url = database_url(kind, scale, args.postgresql_url)
            prepare(kind, scale, url, reuse=args.reuse)
            print(f"{kind}, scale {scale:g}:", flush=True)
            rows += measure(kind, scale, url, args)
    if args.json:
        args.json.write_text(json.dumps({"ceiling": ceiling, "rows": rows}, indent=1))
    print()
    print(markdown(rows, ceiling))


if __name__ == "__main__":
    main()
