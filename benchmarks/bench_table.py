"""Every benchmark on the small, medium and large demo workspaces and on the large one copied to PostgreSQL, as one
markdown table: a row a measure, a column a workspace, and the budget (DESIGN.md) where there is one.

    python benchmarks/bench_table.py [--sizes small,medium,large,postgresql] [--benchmarks gui,export,...]
                                     [--folder DIR] [--out FILE]

The demo workspaces (``locality demo --size S --seed 1``) are made in ``--folder`` the first time and taken from
there afterwards (not timed). The PostgreSQL column copies the large demo (``locality copy``) into a new schema on
the server ``LOCALITY_TEST_POSTGRES`` names (as the tests do; the schema is dropped afterwards); without a server
it is left out, saying why. Each benchmark runs as its own process and records its figures through
``bench_workspace.figure`` (a JSON line each, to the file ``LOCALITY_BENCH_FIGURES`` names), so the table never
depends on the wording of a report. A benchmark that cannot run on a workspace (the ones that copy a file, on a
server) shows "–"; one that fails shows "failed" and its error is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench_workspace import FIGURES_VARIABLE

HERE = Path(__file__).resolve().parent
SIZES = ("small", "medium", "large")
POSTGRESQL = "postgresql"
SERVER = os.environ.get("LOCALITY_TEST_POSTGRES", "postgresql+psycopg://loc:loc@localhost:5432/loctest")
#: Records changed on each side of the merge benchmark, by workspace size: a third of them needs edited, every
#: other need on each side, so the small demo's 40 needs and the medium's 500 allow no more.
MERGE_RECORDS = {"small": 45, "medium": 600, "large": 2000}
RUN_TIMEOUT_SECONDS = 3600


@dataclass(frozen=True)
class Column:
    """A workspace the benchmarks run on: its heading, size and location (a file or a server URL)."""

    heading: str
    size: str
    location: str

    @property
    def on_server(self) -> bool:
        return "://" in self.location


# The arguments each benchmark takes for a workspace; None where it cannot run on that column.
Arguments = Callable[[Column], list[str] | None]


def _positional(column: Column) -> list[str]:
    return [column.location]


def _file_only(column: Column) -> list[str] | None:
    return None if column.on_server else [column.location]


BENCHMARKS: dict[str, Arguments] = {
    "startup": _positional,
    "gui": _positional,
    "gui_pauses": _positional,
    "export": lambda column: ["--db", column.location, "--repeat", "2"],
    "import": lambda column: (
        None
        if column.on_server
        else [column.location, "--organisations", "100", "--needs", "500", "--actions", "2000", "--progress", "2000"]
        + ["--no-dry-run"]
    ),
    "merge": lambda column: (
        None
        if column.on_server
        else ["--db", column.location, "--records", str(MERGE_RECORDS[column.size])]
        + ["--conflicts", str(min(50, MERGE_RECORDS[column.size] // 3))]
    ),
    "needs_map": _file_only,
    "history": _positional,
    "board": _file_only,
    "workshop": _file_only,
    "demo": lambda column: None if column.on_server else ["--size", column.size],
}


def demo_workspace(folder: Path, size: str) -> Path:
    """The demo workspace of ``size`` (seed 1) in ``folder``, made the first time."""
    path = folder / f"{size}.locality"
    if not path.exists():
        print(f"Creating the {size} demo workspace (not timed)...", flush=True)
        made = folder / f"{size}-new.locality"
        made.unlink(missing_ok=True)
        subprocess.run(
            [sys.executable, "-m", "locality", "demo", "--db", str(made), "--size", size, "--seed", "1"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        made.rename(path)
    return path


@contextmanager
def server_copy(source: Path) -> Iterator[str]:
    """``source`` copied into a new schema on the test server; the URL that reaches it. The schema is dropped
    afterwards."""
    from sqlalchemy import create_engine, text

    engine = create_engine(SERVER, connect_args={"connect_timeout": 5})
    schema = f"locality_bench_{uuid.uuid4().hex[:10]}"
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in SERVER else "?"
    url = f"{SERVER}{separator}options=-csearch_path%3D{schema}"
    try:
        print(f"Copying the large demo to PostgreSQL schema {schema} (not timed)...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "locality", "copy", "--from", str(source), "--to", url],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        yield url
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def server_problem() -> str | None:
    """Why the PostgreSQL column cannot be measured, or None when a server answers."""
    try:
        import psycopg  # noqa: F401
        from sqlalchemy import create_engine, text
    except ImportError:
        return "the psycopg driver (the server extra) is not installed"
    engine = create_engine(SERVER, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure to reach it means the column is left out
        return f"no PostgreSQL server answers at LOCALITY_TEST_POSTGRES ({type(error).__name__})"
    finally:
        engine.dispose()
    return None


@dataclass
class Figure:
    value: float
    unit: str
    budget: float | None


def run_benchmark(name: str, arguments: list[str]) -> dict[str, Figure] | None:
    """Runs ``bench_<name>.py`` with ``arguments``; its figures by measure, or None if it failed."""
    with tempfile.TemporaryDirectory(prefix="locality-bench-table-") as folder:
        figures_file = Path(folder) / "figures.jsonl"
        environment = {
            **os.environ,
            FIGURES_VARIABLE: str(figures_file),
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        }
        started = time.perf_counter()
        try:
            finished = subprocess.run(
                [sys.executable, str(HERE / f"bench_{name}.py"), *arguments],
                cwd=HERE,
                env=environment,
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT_SECONDS,
            )
        except subprocess.TimeoutExpired:
            print(f"  {name}: gave up after {RUN_TIMEOUT_SECONDS} s", flush=True)
            return None
        figures: dict[str, Figure] = {}
        if figures_file.exists():
            for line in figures_file.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                figures[row["measure"]] = Figure(row["value"], row["unit"], row["budget"])
        # A benchmark that says it is over budget exits 1 but has measured; only one without figures failed.
        if not figures:
            print(f"  {name}: failed (exit {finished.returncode})\n{finished.stderr[-2000:]}", flush=True)
            return None
        print(f"  {name}: {len(figures)} figures in {time.perf_counter() - started:.0f} s", flush=True)
        return figures


def shown(figure: Figure | None) -> str:
    if figure is None:
        return "–"
    value, unit = figure.value, figure.unit
    if unit == "ms" and value >= 1000:
        value, unit = value / 1000, "s"
    if unit == "s":
        return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    return f"{value:.0f} {unit}"


def budget_text(budget: float | None, unit: str) -> str:
    if budget is None:
        return ""
    return f"< {budget:g} {unit}"


def table(columns: list[Column], results: dict[str, dict[str, dict[str, Figure] | None]]) -> str:
    """The markdown table: ``results[benchmark][column heading]`` holds that run's figures (None: not run or
    failed)."""
    measures: dict[str, tuple[str, Figure]] = {}  # measure -> (benchmark, a figure of it, for unit and budget)
    for benchmark, by_column in results.items():
        for figures in by_column.values():
            for measure, figure in (figures or {}).items():
                measures.setdefault(measure, (benchmark, figure))
    lines = [
        "| Measure | " + " | ".join(column.heading for column in columns) + " | Budget |",
        "|---|" + "---:|" * len(columns) + "---|",
    ]
    for measure, (benchmark, example) in measures.items():
        cells = []
        for column in columns:
            figures = results[benchmark].get(column.heading)
            if figures is None and BENCHMARKS[benchmark](column) is not None:
                cells.append("failed")
            else:
                cells.append(shown((figures or {}).get(measure)))
        lines.append(f"| {measure} | " + " | ".join(cells) + f" | {budget_text(example.budget, example.unit)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default=",".join((*SIZES, POSTGRESQL)), help="small,medium,large,postgresql")
    parser.add_argument("--benchmarks", default=",".join(BENCHMARKS), help=",".join(BENCHMARKS))
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "locality-bench-table")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    parser.add_argument("--server", help="the large demo already on a server, as a URL (instead of copying it)")
    args = parser.parse_args(argv)
    sizes = [size.strip() for size in args.sizes.split(",") if size.strip()]
    benchmarks = [name.strip() for name in args.benchmarks.split(",") if name.strip()]
    unknown = [size for size in sizes if size not in (*SIZES, POSTGRESQL)] + [
        name for name in benchmarks if name not in BENCHMARKS
    ]
    if unknown:
        parser.error(f"unknown: {', '.join(unknown)}")
    args.folder.mkdir(parents=True, exist_ok=True)

    columns = [Column(size, size, str(demo_workspace(args.folder, size))) for size in sizes if size in SIZES]
    results: dict[str, dict[str, dict[str, Figure] | None]] = {name: {} for name in benchmarks}

    def measure(column: Column) -> None:
        print(f"On {column.heading} ({column.location}):", flush=True)
        for name in benchmarks:
            arguments = BENCHMARKS[name](column)
            results[name][column.heading] = None if arguments is None else run_benchmark(name, arguments)

    for column in columns:
        measure(column)
    note = ""
    if POSTGRESQL in sizes:
        problem = server_problem()
        if args.server:
            server = Column("PostgreSQL large", "large", args.server)
            columns.append(server)
            measure(server)
        elif problem is not None:
            note = f"\n\nPostgreSQL not measured: {problem}."
        else:
            with server_copy(demo_workspace(args.folder, "large")) as url:
                server = Column("PostgreSQL large", "large", url)
                columns.append(server)
                measure(server)
    text = table(columns, results) + note
    print()
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
