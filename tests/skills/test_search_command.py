"""`essaim search-members` and `essaim reindex-directory`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from essaim.members.models import Member
from essaim.skills import search_index, services
from essaim.skills.models import Exposure
from tests.factories import MemberFactory


@pytest.fixture
def directory(db):
    trade = services.node_create(actor=None, code="COIF", label="Coiffeur", kind="trade")
    services.alias_add(actor=None, node=trade, label="Coiffeuse")
    colour = services.node_create(
        actor=None, code="COLVEG", label="Coloration végétale", kind="skill", parent=trade
    )
    people = {}
    for key, first, node, level, zones in [
        ("lea", "Léa", colour, 3, ["93"]),
        ("ines", "Inès", trade, 2, ["75"]),
        ("marc", "Marc", None, 0, ["93"]),
    ]:
        m = MemberFactory(first_name=first, last_name="Dupont", external_id=f"EXT-{key}")
        if node is not None:
            services.skill_set(actor=None, member=m, node=node, level=level)
        services.profile_update(
            actor=None, member=m, zones=zones, presentation="Plombier." if key == "marc" else ""
        )
        people[key] = m
    return people


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("search-members", *args, stdout=out)
    return out.getvalue()


def test_json_lists_the_members_best_first(directory):
    rows = json.loads(run("coiffeuse", "--json", "--lexical"))
    # Inès holds the trade itself, Léa a skill below it (though at a higher level).
    assert [(r["external_id"], r["name"]) for r in rows] == [
        ("EXT-ines", "Inès Dupont"),
        ("EXT-lea", "Léa Dupont"),
    ]
    assert set(rows[0]) == {"external_id", "name", "score"}
    assert rows[0]["score"] > rows[1]["score"] > 0


def test_facets(directory):
    assert [
        r["external_id"]
        for r in json.loads(run("coiffeuse", "--zone", "93", "--json", "--lexical"))
    ] == ["EXT-lea"]
    assert [
        r["external_id"]
        for r in json.loads(run("--skill", "COIF", "--min-level", "3", "--json", "--lexical"))
    ] == ["EXT-lea"]
    assert json.loads(run("coiffeur", "--available", "--json", "--lexical")) == []
    browse = json.loads(run("--zone", "93", "--json", "--limit", "1", "--lexical"))
    assert len(browse) == 1 and browse[0]["score"] == 0.0


def test_table(directory):
    out = run("coiffeur", "--lexical")
    lines = out.splitlines()
    assert lines[0] == "2 membre(s) trouvé(s)"
    # Our node first, then the built-in nomenclature's hairdressers.
    assert lines[1].startswith("Branches suggérées : Coiffeur (COIF), Coiffeur / Coiffeuse (")
    assert lines[3].split() == ["rang", "score", "membre", "identifiant", "compétences"]
    assert lines[4].split()[2:6] == ["Inès", "Dupont", "EXT-ines", "Coiffeur"]
    assert lines[4].endswith("Coiffeur (2)")
    assert lines[5].split()[2:5] == ["Léa", "Dupont", "EXT-lea"]
    assert lines[5].endswith("Coloration végétale (3)")
    assert len(lines) == 6
    assert run("zzz", "--lexical").splitlines() == ["0 membre(s) trouvé(s)"]


def test_bad_options_say_what_is_wrong(directory):
    for args, message in [
        (["--skill", "NOPE"], "code de compétence inconnu « NOPE »"),
        (["--zone", "99"], "« 99 » n'est pas un département français (ex. 75, 93, 2A)"),
        (["--min-level", "4"], "niveau 4 inconnu : 1 (débutant), 2 (confirmé) ou 3 (expert)"),
        (["--limit", "0"], "entre 1 et 500 résultats par page"),
    ]:
        with pytest.raises(CommandError) as error:
            run("coiffeur", "--lexical", *args)
        assert str(error.value) == message


def test_the_command_line_counts_no_exposure(directory):
    run("coiffeur", "--json", "--lexical")
    assert Exposure.objects.count() == 0


def test_reindex_directory(directory):
    Member.objects.bulk_create([Member(first_name="Sans", last_name="Signal", email="s@x.org")])
    out = io.StringIO()
    call_command("reindex-directory", stdout=out, verbosity=0)
    assert out.getvalue().startswith("4 membre(s) indexé(s) en ")
    assert search_index.document_count() == 4
