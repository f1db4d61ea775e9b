"""A closed project group and an open trade group with some of everything, for the pages'
tests. Import the fixtures you use into the test module."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.groups.models import Group, SharedFile, Task, Thread
from essaim.groups.services import discussions
from essaim.groups.services import groups as group_services
from essaim.groups.services import project as services
from essaim.members.models import Member
from tests.groups.factories import active_project, days, entrepreneur, today


def pdf(name: str = "devis.pdf", size: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7\n" + b"0" * size, content_type="application/pdf")


@dataclass
class Content:
    group: Group
    carole: Member  # the second member (facilitator of a project)
    denis: Member  # a plain member
    task: Task
    thread: Thread
    shared: SharedFile


def fill(group: Group, author: Member, other: Member) -> tuple[Task, Thread, SharedFile]:
    task = services.task_add(
        actor=None,
        group=group,
        title="Rédiger le mémoire technique",
        owner=other,
        due_date=days(7),
    )
    services.decision_add(
        actor=None,
        group=group,
        date=today(),
        text="Tarif unique de 450 €",
        decided_by="le groupe",
    )
    services.note_add(
        actor=None,
        group=group,
        date=today(),
        attendees=[author, other],
        notes="Tour de table",
        progress="Plan validé",
    )
    thread = discussions.thread_start(
        actor=None,
        group=group,
        author=author,
        title="Réponse à l'appel d'offres",
        body="Qui relit le mémoire ?",
    )
    shared = discussions.file_share(actor=None, group=group, member=author, upload=pdf())
    return task, thread, shared


@pytest.fixture
def closed(alice) -> Content:
    """A project group: alice leads it, carole facilitates, denis is a member; bob is not in
    it."""
    carole = entrepreneur(first_name="Carole", last_name="Lefort", email="carole@example.org")
    denis = entrepreneur(first_name="Denis", last_name="Roux", email="denis@example.org")
    group = active_project(alice, carole, denis)
    task, thread, shared = fill(group, alice, carole)
    return Content(group, carole, denis, task, thread, shared)


@pytest.fixture
def trade(alice, claire) -> Content:
    """A trade group alice and carole joined."""
    carole = entrepreneur(first_name="Carole", last_name="Lefort", email="carole.web@example.org")
    denis = entrepreneur(first_name="Denis", last_name="Roux", email="denis.web@example.org")
    group = group_services.group_create(actor=claire, kind="trade", name="Métiers du web")
    for member in (alice, carole, denis):
        group_services.member_join(actor=None, group=group, member=member)
    task, thread, shared = fill(group, alice, carole)
    return Content(group, carole, denis, task, thread, shared)


def status(client, url: str) -> int:
    """The status of a GET of `url`; a file's response is read and closed."""
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    response.close()
    return response.status_code


def content_urls(content: Content) -> dict[str, str]:
    """Every page of a group's content, by content type."""
    pk = content.group.pk
    urls = {
        "membres": f"/groupes/{pk}/membres/",
        "tâches": f"/groupes/{pk}/taches/",
        "décisions": f"/groupes/{pk}/decisions/",
        "réunions": f"/groupes/{pk}/reunions/",
        "discussions": f"/groupes/{pk}/discussions/",
        "discussion": f"/groupes/{pk}/discussions/{content.thread.pk}/",
        "fichiers": f"/groupes/{pk}/fichiers/",
        "fichier": f"/groupes/{pk}/fichiers/{content.shared.pk}/",
    }
    if content.group.is_project:
        urls["charte"] = f"/groupes/{pk}/charte/"
        urls["temps"] = f"/groupes/{pk}/temps/"
    else:
        urls["plan"] = f"/groupes/{pk}/plan/"
    return urls
