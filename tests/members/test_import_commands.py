"""`essaim import-members` and `essaim export-members`."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError

from essaim.core.models import AuditEntry
from essaim.members.models import Member
from tests.members.helpers_import import (
    ADVISOR,
    EXAMPLES,
    MEMBER,
    counts,
    jsonl,
    member,
    parsed_lines,
)

pytestmark = pytest.mark.django_db


def command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def jsonl_file(tmp_path):
    path = tmp_path / "membres.jsonl"
    path.write_text(jsonl(ADVISOR, MEMBER), encoding="utf-8")
    return path


def test_django_finds_the_hyphenated_commands():
    commands = get_commands()
    assert commands["import-members"] == "essaim.members"
    assert commands["export-members"] == "essaim.members"


def essaim(*args: str, var_dir) -> subprocess.CompletedProcess[str]:
    """The `essaim` console script in a subprocess, its var/ folder a temporary one."""
    return subprocess.run(
        [sys.executable, "-m", "essaim.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "ESSAIM_VAR_DIR": str(var_dir)},
    )


def test_the_console_script_knows_them(tmp_path):
    done = essaim("help", "import-members", var_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "usage: essaim import-members" in done.stdout
    assert "--actor EMAIL" in done.stdout
    assert essaim("help", "export-members", var_dir=tmp_path).returncode == 0


def test_the_process_exits_non_zero_on_errors(tmp_path):
    path = tmp_path / "membres.txt"
    path.write_text("external_id,nom\n", encoding="utf-8")
    done = essaim("import-members", str(path), var_dir=tmp_path)
    assert done.returncode == 1
    assert done.stderr == (
        "CommandError: format inconnu pour « membres.txt » : nommez le fichier .jsonl ou .csv, "
        "ou précisez --format jsonl|csv\n"
    )


def test_imports_a_file_and_prints_the_counts(jsonl_file):
    out, err = command("import-members", str(jsonl_file))
    assert err == ""
    assert out.startswith(
        "Import terminé : 1 membre(s) créé(s), 0 mis à jour, 0 inchangé(s) ; "
        "chargé·es d'accompagnement : 1 créé·e(s), 0 mis·es à jour — "
    )
    assert out.rstrip().endswith(" s")
    assert Member.objects.get().external_id == "M-0001"


def test_the_actor_is_recorded(jsonl_file, claire):
    command("import-members", str(jsonl_file), "--actor", "CLAIRE@coop.example")
    assert AuditEntry.objects.get(action="members.imported").actor == claire


def test_an_unknown_actor_is_refused(jsonl_file):
    with pytest.raises(CommandError, match="aucun compte n'a l'adresse « x@y.z » \\(--actor\\)"):
        command("import-members", str(jsonl_file), "--actor", "x@y.z")
    assert Member.objects.count() == 0


def test_errors_go_to_stderr_and_nothing_is_written(tmp_path):
    path = tmp_path / "faux.jsonl"
    path.write_text(
        jsonl(MEMBER, member(external_id="M-2", first_name=7, advisor_email=None)), encoding="utf-8"
    )
    before = counts()
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import-members", str(path), stdout=io.StringIO(), stderr=err)
    assert str(raised.value) == "3 erreur(s) dans « faux.jsonl » : rien n'a été importé"
    assert err.getvalue().splitlines() == [
        "line 1: advisor_email: chargé·e d'accompagnement inconnu·e « conseil1@coop.example » : "
        "créez son compte, ou déclarez-le·la dans le fichier JSON Lines par une ligne "
        '{"record": "advisor", "email": "conseil1@coop.example", "first_name": ..., '
        '"last_name": ...}',
        "line 2: first_name: une chaîne de caractères est attendue, pas un nombre (7)",
        "line 2: email: l'adresse m0001@example.org figure déjà ligne 1 : "
        "chaque membre a la sienne",
    ]
    assert counts() == before


def test_dry_run_writes_nothing(jsonl_file):
    before = counts()
    out, _ = command("import-members", str(jsonl_file), "--dry-run")
    assert out.startswith("Vérification terminée (rien n'est enregistré) : 1 membre(s) créé(s)")
    assert counts() == before


def test_the_format_comes_from_the_extension_or_the_option(tmp_path):
    path = tmp_path / "membres.txt"
    path.write_text("external_id,first_name,last_name,email\nM-1,Léa,Moreau,l@example.org\n")
    with pytest.raises(CommandError, match="format inconnu pour « membres.txt »"):
        command("import-members", str(path))
    command("import-members", str(path), "--format", "csv")
    assert Member.objects.get().first_name == "Léa"


def test_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="lecture impossible de .*absent.jsonl"):
        command("import-members", str(tmp_path / "absent.jsonl"))


def test_the_example_files(tmp_path):
    command("import-members", str(EXAMPLES / "members.jsonl"))
    command("import-members", str(EXAMPLES / "members.csv"))
    assert Member.objects.count() == 7


def test_export_then_import_gives_the_same_file(jsonl_file, tmp_path):
    command("import-members", str(jsonl_file))
    target = tmp_path / "export.jsonl"
    out, _ = command("export-members", str(target))
    assert out.startswith(f"1 membre(s) exporté(s) dans « {target} » — ")
    assert parsed_lines(target.read_text(encoding="utf-8")) == [ADVISOR, MEMBER]
    out, _ = command("import-members", str(target))
    assert "0 membre(s) créé(s), 0 mis à jour, 1 inchangé(s)" in out


def test_export_csv_and_to_stdout(jsonl_file, tmp_path, capsys):
    command("import-members", str(jsonl_file))
    target = tmp_path / "export.csv"
    command("export-members", str(target), "--delimiter", ";")
    assert (
        target.read_text(encoding="utf-8")
        .splitlines()[1]
        .startswith("M-0001;Fatou;Diallo;m0001@example.org;")
    )
    call_command("export-members", "-")
    assert parsed_lines(capsys.readouterr().out) == [ADVISOR, MEMBER]
