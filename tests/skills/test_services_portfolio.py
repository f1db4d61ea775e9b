"""The portfolio and introduction services: validation, audit, the profile_changed signal."""

# The fixtures imported from directory_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.core.models import AuditEntry
from essaim.skills import services
from essaim.skills.models import Introduction, PortfolioImage, PortfolioItem
from essaim.skills.signals import profile_changed
from tests.skills.directory_data import leave, media, png  # noqa: F401


@pytest.fixture
def signalled():
    """The member ids each profile_changed carried, in order."""
    received: list[list[int]] = []

    def listener(sender, member_ids, **kwargs):
        received.append(list(member_ids))

    profile_changed.connect(listener)
    yield received
    profile_changed.disconnect(listener)


def test_portfolio_writes_are_audited_and_signalled(
    alice, media, signalled, django_capture_on_commit_callbacks
):
    item = services.portfolio_item_save(
        actor=alice.user, member=alice, title=" Mariage ", year=2024, link="https://a.fr"
    )
    unchanged = services.portfolio_item_save(
        actor=alice.user, member=alice, item=item, title="Mariage", year=2024, link="https://a.fr"
    )
    image = services.portfolio_image_add(actor=alice.user, item=item, image=png(), alt="Chignon")
    stored = media / image.image.name
    with django_capture_on_commit_callbacks(execute=True):
        services.portfolio_item_delete(actor=alice.user, item=item)

    assert (unchanged.title, unchanged.year, unchanged.link) == ("Mariage", 2024, "https://a.fr")
    assert list(
        AuditEntry.objects.filter(subject_id=str(alice.pk), action__startswith="portfolio")
        .order_by("pk")
        .values_list("action", "actor")
    ) == [
        ("portfolio.added", alice.user.pk),
        ("portfolio.image_added", alice.user.pk),
        ("portfolio.deleted", alice.user.pk),
    ]
    assert signalled == [[alice.pk]] * 3  # the unchanged save sent nothing
    assert not stored.exists()
    assert not PortfolioImage.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "  "}, "title", "Donnez un titre à la réalisation."),
        ({"title": "X", "year": 1900}, "year", "L'année 1900 n'est pas possible : entre 1950 et"),
        ({"title": "X", "client_kind": "martian"}, "client_kind", "Type de client « martian »"),
        (
            {"title": "X", "link": "javascript:alert(1)"},
            "link",
            "« javascript:alert(1) » n'est pas une adresse web : écrivez-la en entier, "
            "par exemple https://exemple.fr.",
        ),
    ],
)
def test_bad_portfolio_fields_write_nothing(alice, fields, field, message):
    with pytest.raises(ValidationError) as raised:
        services.portfolio_item_save(actor=None, member=alice, **fields)

    assert list(raised.value.message_dict) == [field]
    assert raised.value.message_dict[field][0].startswith(message)
    assert not PortfolioItem.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="portfolio").exists()


def test_an_item_of_another_member_is_not_changed(alice, bob):
    item = services.portfolio_item_save(actor=None, member=alice, title="À Alice")

    with pytest.raises(ValidationError, match="Cette réalisation n'est pas la vôtre."):
        services.portfolio_item_save(actor=None, member=bob, item=item, title="Volée")


@pytest.mark.parametrize(
    ("upload", "alt", "field"),
    [
        (SimpleUploadedFile("x.png", b"not an image"), "Texte", "image"),
        ("png", "   ", "alt"),
    ],
)
def test_bad_images_store_nothing(alice, media, upload, alt, field):
    item = services.portfolio_item_save(actor=None, member=alice, title="Mariage")

    with pytest.raises(ValidationError) as raised:
        services.portfolio_image_add(
            actor=None, item=item, image=png() if upload == "png" else upload, alt=alt
        )

    assert list(raised.value.message_dict) == [field]
    assert not PortfolioImage.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def test_the_service_refuses_an_image_over_5_mb(alice, media, monkeypatch):
    item = services.portfolio_item_save(actor=None, member=alice, title="Mariage")
    big = png(width=300, height=300)
    monkeypatch.setattr(services, "PORTFOLIO_IMAGE_MAX_BYTES", big.size - 1)

    with pytest.raises(ValidationError) as raised:
        services.portfolio_image_add(actor=None, item=item, image=big, alt="Grande")

    assert raised.value.message_dict["image"][0].endswith("Mo : 5 Mo au plus.")
    assert not PortfolioImage.objects.exists()


def test_deleting_an_image_keeps_the_file_when_the_transaction_rolls_back(alice, media):
    from django.db import transaction

    item = services.portfolio_item_save(actor=None, member=alice, title="Mariage")
    image = services.portfolio_image_add(actor=None, item=item, image=png(), alt="Chignon")
    stored, pk = media / image.image.name, image.pk

    with pytest.raises(RuntimeError), transaction.atomic():
        services.portfolio_image_delete(actor=None, image=image)
        raise RuntimeError("something later failed")

    assert stored.exists()
    assert PortfolioImage.objects.filter(pk=pk).exists()


def test_an_introduction_is_recorded_and_audited(antoine, alice, bob):
    intro = services.introduction_record(
        actor=antoine, member=alice, to_member=bob, reason="  Un site  "
    )

    assert (intro.advisor, intro.member, intro.to_member, intro.reason) == (
        antoine,
        alice,
        bob,
        "Un site",
    )
    entry = AuditEntry.objects.get(action="introduction.recorded")
    assert (entry.actor, entry.subject_id, entry.data["to_member"]) == (
        antoine,
        str(alice.pk),
        "Bob Durand",
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"to_other": "Mairie", "reason": " "}, "Dites en quelques mots pourquoi"),
        ({"reason": "X"}, "Choisissez à qui vous présentez ce membre"),
        ({"to_member": "bob", "to_other": "Mairie", "reason": "X"}, "Choisissez soit un membre"),
        ({"to_member": "alice", "reason": "X"}, "Un membre ne se présente pas à lui-même."),
        ({"to_member": "gone", "reason": "X"}, "Zoé Partie a quitté la coopérative."),
    ],
)
def test_bad_introductions_write_nothing(antoine, alice, bob, kwargs, message):
    from tests.factories import MemberFactory

    people = {
        "bob": bob,
        "alice": alice,
        "gone": leave(MemberFactory(first_name="Zoé", last_name="Partie"))
        if kwargs.get("to_member") == "gone"
        else None,
    }
    if "to_member" in kwargs:
        kwargs = {**kwargs, "to_member": people[kwargs["to_member"]]}

    with pytest.raises(ValidationError) as raised:
        services.introduction_record(actor=antoine, member=alice, **kwargs)

    assert " ".join(raised.value.messages).startswith(message)
    assert not Introduction.objects.exists()
