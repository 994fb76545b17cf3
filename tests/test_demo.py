"""The main job: `draftbot demo` plays a meeting and leaves a final report that reads back right."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from bot.demo import run_demo


async def test_the_demo_writes_a_final_report_with_the_adopted_points(tmp_path: Path) -> None:
    path = await run_demo(tmp_path, quiet=True)
    assert path.exists() and path.name.endswith("-final.docx")
    texts = [p.text for p in Document(str(path)).paragraphs if p.text.strip()]
    assert texts[0] == "CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM)"
    assert "San Pedro Sula, Honduras" in texts
    assert "15 de noviembre, 2016" in texts
    opening = next(t for t in texts if t.startswith("La Red de Funcionarios"))
    assert "el día 15 de noviembre de 2016, en San Pedro Sula, Honduras" in opening
    assert opening.endswith("Nicaragua, Panamá y República Dominicana.")
    assert any(t.startswith("La Red somete a consideración") for t in texts)
    assert not any("[" in t for t in texts), "a final report has no bracketed text"
    assert not any("estudio comparativo" in t for t in texts), "the withdrawn point is left out"
    assert any("Costa Rica expresó su interés en ser sede" in t for t in texts), "the accepted amendment"


async def test_the_demo_resolves_a_bracket_and_sets_a_silence_in_plain_words_with_its_reminder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = await run_demo(tmp_path)
    out = capsys.readouterr().out
    # the bracket is shown numbered on the card, blocks adoption, and the rapporteur settles it
    assert "por su [1: reporte / informe] acerca de" in out
    assert "No puede adoptarse todavía: 1 corchete sin resolver" in out
    assert "[Relatora] resolver 4 1 1" in out
    assert "Corchete 1 del punto 4 resuelto" in out
    # the deadline as a delegate writes it, echoed in full in the meeting's zone; a reminder comes before it
    assert "[PPT Honduras] silencio 6 mañana a las 18:00" in out
    deadline = "miércoles 16 de noviembre de 2016, 18:00 (hora de Honduras)"
    assert f"Procedimiento de silencio sobre el punto 6 hasta el {deadline}" in out
    reminder = out.find(f"Recordatorio: el silencio sobre el punto 7 vence el {deadline}")
    expiry = out.find("Venció el plazo sin objeciones: el punto 7 queda adoptado")
    assert 0 <= reminder < expiry
    texts = [p.text for p in Document(str(path)).paragraphs]
    assert any("por su reporte acerca de las campañas" in t for t in texts), "the chosen alternative"


def test_the_demo_command_prints_the_path_of_the_final_report(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--quiet", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("Final report: ") and last.endswith("-final.docx")
    assert Path(last.removeprefix("Final report: ")).exists()


def test_the_console_lets_several_people_play_at_one_terminal(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "as st: nuevareunion\\",
            "titulo: INFORME DE PRUEBA",
            "as st: delegaciones México",
            "as st: invitar México",
            "quit",
        ]
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console", "--out", str(tmp_path)],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}", "PATH": "/usr/bin:/bin"},
    )
    assert "Reunión creada: INFORME DE PRUEBA." in result.stdout
    assert "Delegaciones miembro (1): México." in result.stdout
    assert "join " in result.stdout
