"""How long building and rendering a report takes, and how much memory it needs.

    .venv/bin/python benchmarks/render_report.py [--repeat 3]

For 50, 300 and 1000 points with three sub-points each (a draft, every other point still under
discussion, each point with a second paragraph and a two-item bullet list) it prints build+render wall
time (best of --repeat runs) and the peak Python memory seen by tracemalloc (a separate run, since
tracing slows everything down), for the .docx and for the Markdown preview. tracemalloc counts the
Python heap only; lxml's own (C) buffers while serialising the .docx are not included.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drafting.model import DateSpan, Delegation, DelegationKind, Meeting, Point, PointState
from drafting.report.builder import build_report
from drafting.report.formats.informe.docx import render_docx
from drafting.report.formats.informe.markdown import render_markdown
from drafting.report.template import ReportTemplate, load_template

SIZES = (50, 300, 1000)
SUBPOINTS = 3
COUNTRIES = ("Canadá", "Costa Rica", "El Salvador", "Guatemala", "Honduras", "México", "Panamá")


def sample(points: int) -> tuple[Meeting, list[Delegation], list[Point]]:
    meeting = Meeting(
        id=1,
        title="Informe de la reunión de la Red de Funcionarios de Enlace de Protección Consular",
        bodies=(
            "CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM)",
            "GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN (GRCM)",
        ),
        network="Red de Funcionarios de Enlace de Protección Consular",
        kind="ordinaria",
        place="San Pedro Sula, Honduras",
        dates=DateSpan(date(2016, 11, 15), date(2016, 11, 16)),
        before="Grupo Regional de Consulta sobre Migración (GRCM)",
        draft_version=3,
    )
    delegations = [Delegation(i, 1, name, DelegationKind.MEMBER) for i, name in enumerate(COUNTRIES, 1)]
    items: list[Point] = []
    for n in range(1, points + 1):
        state = PointState.ADOPTED if n % 2 else PointState.OPEN
        text = (
            f"Agradecer a las delegaciones por sus informes relativos a buenas prácticas (punto {n}).\n"
            "Se encomienda a la Secretaría Técnica coordinar un taller virtual sobre la materia.\n"
            "· Talleres sobre manejo consular de crisis\n· Talleres sobre desplazamiento por desastres"
        )
        top = len(items) + 1
        items.append(Point(top, 1, n, "", None, text, state, None, None))
        for letter in "abcdefghij"[:SUBPOINTS]:
            sub_text = f"Solicitar a la OIM la sistematización de las herramientas existentes ({n}.{letter})."
            items.append(Point(len(items) + 1, 1, n, letter, top, sub_text, state, None, None))
    return meeting, delegations, items


def docx_job(template: ReportTemplate, points: int) -> Callable[[], int]:
    meeting, delegations, items = sample(points)
    now = datetime(2016, 11, 16, 18, 0, tzinfo=UTC)

    def run() -> int:
        report = build_report(meeting, delegations, items, final=False, template=template, now=now)
        return len(render_docx(report, template))

    return run


def markdown_job(template: ReportTemplate, points: int) -> Callable[[], int]:
    meeting, delegations, items = sample(points)
    now = datetime(2016, 11, 16, 18, 0, tzinfo=UTC)

    def run() -> int:
        report = build_report(meeting, delegations, items, final=False, template=template, now=now)
        return len(render_markdown(report).encode("utf-8"))

    return run


def measure(job: Callable[[], int], repeat: int) -> tuple[float, float, int]:
    """(best seconds, peak MiB under tracemalloc, output bytes)."""
    best = float("inf")
    size = 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = job()
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    try:
        job()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return best, peak / 2**20, size


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per cell; the best is shown")
    args = parser.parse_args()
    template = load_template()
    docx_job(template, 5)()  # warm up imports and the template package

    header = (
        f"{'points':>6} {'paragraphs':>10} | {'docx s':>7} {'docx MiB':>8} {'docx KiB':>8} | "
        f"{'md s':>7} {'md MiB':>7} {'md KiB':>7}"
    )
    print(f"build + render, draft, {SUBPOINTS} sub-points per point, best of {args.repeat}")
    print(header)
    print("-" * len(header))
    for points in SIZES:
        paragraphs = points * (4 + SUBPOINTS)
        docx_s, docx_mib, docx_bytes = measure(docx_job(template, points), args.repeat)
        md_s, md_mib, md_bytes = measure(markdown_job(template, points), args.repeat)
        print(
            f"{points:>6} {paragraphs:>10} | {docx_s:>7.3f} {docx_mib:>8.1f} {docx_bytes / 1024:>8.0f} | "
            f"{md_s:>7.3f} {md_mib:>7.1f} {md_bytes / 1024:>7.0f}"
        )


if __name__ == "__main__":
    main()
