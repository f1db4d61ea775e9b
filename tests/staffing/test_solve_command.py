"""`essaim staffing solve INSTANCE.json [--top K] [--time-limit S] [--json]`."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from essaim.staffing.solver import solve
from tests.staffing.test_solver import EXAMPLE, example


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("staffing", *args, stdout=out)
    return out.getvalue()


def without_seconds(output: dict) -> dict:
    assert isinstance(output.pop("seconds"), float)
    return output


def test_json_is_the_solver_answer():
    printed = json.loads(run("solve", str(EXAMPLE), "--json"))
    assert without_seconds(printed) == without_seconds(solve(example()).as_dict())
    assert printed["status"] == "optimal" and len(printed["teams"]) == 1


def test_top_and_time_limit(tmp_path):
    printed = json.loads(run("solve", str(EXAMPLE), "--top", "2", "--time-limit", "30", "--json"))
    assert [t["members"] for t in printed["teams"]] == [
        ["alice", "bob", "driss"],
        ["bob", "chloe", "driss"],
    ]


def test_summary_in_french():
    lines = run("solve", str(EXAMPLE), "--top", "2").splitlines()
    assert lines[0] == "Statut : optimal (prouvé par le solveur)"
    assert lines[2] == "Équipe 1 — score -2710.00, coût 3010.00 €, 3 membre(s) : alice, bob, driss"
    assert lines[3:6] == ["  dev → bob", "  design → driss", "  redaction → alice"]
    assert lines[7].startswith("Équipe 2 — score -2740.00")
    assert lines[-1].startswith("Calcul : ")


def write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_summary_of_an_infeasible_instance(tmp_path):
    data = example()
    data["roles"][0]["skill"] = "Z9999"
    out = run("solve", write(tmp_path, data))
    assert "Statut : aucune équipe possible" in out
    assert "Rôles que personne ne peut tenir (compétence, niveau ou heures) : dev" in out
    data = example()
    data["budget"] = 100
    out = run("solve", write(tmp_path, data))
    assert "aucune équipe ne respecte à la fois les heures, la taille maximale et le budget" in out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["members"][0].update(colour="bleu"), "members[0].colour : clé inconnue"),
        (lambda d: d["roles"][1].update(hours=-3), "roles[1].hours : doit être positif ou nul"),
        (lambda d: d["members"][4].update(id="alice"), "members[4].id : identifiant « alice »"),
    ],
)
def test_invalid_instance(tmp_path, change, message):
    data = example()
    change(data)
    with pytest.raises(CommandError, match=r"^Instance invalide — ") as caught:
        run("solve", write(tmp_path, data), "--json")
    assert message in str(caught.value)


def test_unreadable_files(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run("solve", str(tmp_path / "absent.json"))
    broken = tmp_path / "broken.json"
    broken.write_text('{"roles": [\n  {"id": }\n]}', encoding="utf-8")
    with pytest.raises(CommandError, match="n'est pas un JSON valide : erreur ligne 2, colonne"):
        run("solve", str(broken))
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"roles": "é"}'.encode("latin-1"))
    with pytest.raises(CommandError, match="UTF-8"):
        run("solve", str(latin))


def test_standard_input(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(EXAMPLE.read_text("utf-8")))
    printed = json.loads(run("solve", "-", "--json"))
    assert printed["teams"][0]["members"] == ["alice", "bob", "driss"]


def test_invalid_top():
    with pytest.raises(CommandError, match="top : le nombre d'équipes doit être un entier ≥ 1"):
        run("solve", str(EXAMPLE), "--top", "0")


def essaim(*args: str, var_dir: Path) -> subprocess.CompletedProcess:
    """The `essaim` console script in a subprocess, its var/ folder a temporary one."""
    return subprocess.run(
        [sys.executable, "-m", "essaim.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "ESSAIM_VAR_DIR": str(var_dir)},
    )


def test_console_script(tmp_path):
    done = essaim("staffing", "solve", str(EXAMPLE), "--top", "3", "--json", var_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert [t["score"] for t in printed["teams"]] == [-2710.0, -2740.0, -2960.0]

    data = example()
    data["roles"][2]["skill"] = ""
    failed = essaim("staffing", "solve", write(tmp_path, data), "--json", var_dir=tmp_path)
    assert failed.returncode != 0
    assert failed.stdout == ""
    assert "roles[2].skill : le rôle doit nommer une compétence" in failed.stderr
    assert "Traceback" not in failed.stderr
