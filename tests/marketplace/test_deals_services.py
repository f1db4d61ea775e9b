"""Deals and feedback services: bad input refused in French with nothing written, the
allowed moves of a deal, feedback once per person after a done deal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from essaim.core.models import AuditEntry, Notification
from essaim.marketplace.models import Deal, DealKind, DealProvider, DealStatus, Feedback
from essaim.marketplace.services.deals import deal_set_status, feedback_leave
from tests.marketplace import deals_fixtures as fx
from tests.marketplace.deals_fixtures import done_deal, make_deal

carol = fx.carol  # fixtures

GOOD = {"would_work_again": True, "quality": 5, "deadlines": 4, "communication": 3}


def messages_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]] | list[str]:
    error = exc.value
    return error.message_dict if hasattr(error, "error_dict") else error.messages


# ---------------------------------------------------------------- recording a deal


def test_a_deal_is_recorded_with_its_providers(alice, bob, carol):
    deal = make_deal(alice, [bob, carol], kind=DealKind.COCONTRACTING, amount="3000")

    assert deal.amount == 3000
    assert sorted(DealProvider.objects.filter(deal=deal).values_list("member_id", flat=True)) == (
        sorted([bob.pk, carol.pk])
    )


def test_a_negative_amount_is_refused_and_nothing_is_written(alice, bob):
    with pytest.raises(ValidationError) as exc:
        make_deal(alice, [bob], amount="-10")

    assert messages_of(exc) == {"amount": ["Le montant ne peut pas être négatif (-10)."]}
    assert not Deal.objects.exists()


def test_an_exchange_of_services_carries_no_money(alice, bob):
    with pytest.raises(ValidationError) as exc:
        make_deal(alice, [bob], kind=DealKind.EXCHANGE, amount="50")

    assert messages_of(exc) == {
        "amount": ["Un échange de services se fait sans argent : laissez le montant vide."]
    }
    assert not Deal.objects.exists()


def test_an_exchange_without_money_is_fine(alice, bob):
    deal = make_deal(alice, [bob], kind=DealKind.EXCHANGE, amount=None)

    assert deal.amount is None


def test_the_buyer_cannot_be_a_provider(alice, bob):
    with pytest.raises(ValidationError) as exc:
        make_deal(alice, [bob, alice])

    assert messages_of(exc) == {
        "providers": ["Alice Martin ne peut pas être à la fois donneur d'ordre et prestataire."]
    }
    assert not Deal.objects.exists() and not DealProvider.objects.exists()


# ---------------------------------------------------------------- moving a deal along


def test_a_deal_goes_planned_then_in_progress_then_done(alice, bob):
    deal = make_deal(alice, [bob], start_date=dt.date(2026, 1, 5))

    deal_set_status(actor=alice.user, deal=deal, status=DealStatus.IN_PROGRESS)
    deal_set_status(
        actor=alice.user, deal=deal, status=DealStatus.DONE, done_at=dt.date(2026, 2, 1)
    )

    deal.refresh_from_db()
    assert (deal.status, deal.done_at) == (DealStatus.DONE, dt.date(2026, 2, 1))
    changes = list(
        AuditEntry.objects.filter(action="deal.status", target_id=str(deal.pk))
        .order_by("id")
        .values_list("changes", flat=True)
    )
    assert changes == [
        {"status": ["planned", "in_progress"]},
        {"status": ["in_progress", "done"]},
    ]


def test_done_without_a_date_is_done_today(alice, bob):
    deal = done_deal(alice, [bob])

    assert deal.done_at == timezone.localdate()


def test_done_before_the_start_is_refused(alice, bob):
    deal = make_deal(alice, [bob], start_date=dt.date(2026, 3, 1), status=DealStatus.IN_PROGRESS)

    with pytest.raises(ValidationError) as exc:
        deal_set_status(actor=None, deal=deal, status=DealStatus.DONE, done_at=dt.date(2026, 2, 1))

    assert messages_of(exc) == {
        "done_at": ["La date de fin (01/02/2026) est avant le début de l'affaire (01/03/2026)."]
    }
    deal.refresh_from_db()
    assert deal.status == DealStatus.IN_PROGRESS


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (DealStatus.PLANNED, DealStatus.DONE),
        (DealStatus.PLANNED, DealStatus.PLANNED),
        (DealStatus.IN_PROGRESS, DealStatus.PLANNED),
        (DealStatus.DONE, DealStatus.CANCELLED),
        (DealStatus.DONE, DealStatus.IN_PROGRESS),
        (DealStatus.CANCELLED, DealStatus.IN_PROGRESS),
        (DealStatus.CANCELLED, DealStatus.DONE),
    ],
)
def test_moves_that_are_not_allowed(alice, bob, start, target):
    deal = make_deal(alice, [bob], status=start)

    with pytest.raises(ValidationError) as exc:
        deal_set_status(actor=None, deal=deal, status=target)

    before, after = DealStatus(start).label, DealStatus(target).label
    assert messages_of(exc) == {
        "status": [f"Une affaire « {before} » ne peut pas passer à « {after} »."]
    }
    deal.refresh_from_db()
    assert deal.status == start


def test_an_unknown_status_is_refused(alice, bob):
    deal = make_deal(alice, [bob])

    with pytest.raises(ValidationError) as exc:
        deal_set_status(actor=None, deal=deal, status="paid")

    assert messages_of(exc) == {"status": ["État inconnu : paid."]}


@pytest.mark.parametrize("start", [DealStatus.PLANNED, DealStatus.IN_PROGRESS])
def test_cancelling_tells_the_other_parties(alice, bob, carol, start):
    deal = make_deal(alice, [bob, carol], status=start)

    deal_set_status(actor=bob.user, deal=deal, status=DealStatus.CANCELLED)

    told = Notification.objects.filter(kind="deal.cancelled")
    assert sorted(told.values_list("user_id", flat=True)) == sorted([alice.user_id, carol.user_id])
    assert set(told.values_list("title", flat=True)) == {"Affaire annulée : Site vitrine"}


def test_a_done_deal_invites_the_other_parties_to_leave_feedback(alice, bob):
    deal = make_deal(alice, [bob], status=DealStatus.IN_PROGRESS)

    deal_set_status(actor=alice.user, deal=deal, status=DealStatus.DONE)

    assert list(
        Notification.objects.filter(kind="deal.done").values_list("user_id", flat=True)
    ) == [bob.user_id]


# ---------------------------------------------------------------- feedback


def test_feedback_after_a_done_deal_tells_the_person_it_is_about(alice, bob):
    deal = done_deal(alice, [bob])

    feedback = feedback_leave(
        actor=alice.user, deal=deal, author=alice, about=bob, comment="  Très bien.  ", **GOOD
    )

    assert (feedback.quality, feedback.deadlines, feedback.communication) == (5, 4, 3)
    assert feedback.comment == "Très bien."
    told = Notification.objects.get(kind="deal.feedback")
    assert told.user_id == bob.user_id
    # The audit says feedback was left, never what it says.
    entry = AuditEntry.objects.get(action="feedback.left")
    assert "Très bien" not in str(entry.data) and "quality" not in str(entry.data)


@pytest.mark.parametrize(
    "status", [DealStatus.PLANNED, DealStatus.IN_PROGRESS, DealStatus.CANCELLED]
)
def test_no_feedback_before_the_deal_is_done(alice, bob, status):
    deal = make_deal(alice, [bob], status=status)

    with pytest.raises(ValidationError) as exc:
        feedback_leave(actor=None, deal=deal, author=alice, about=bob, **GOOD)

    label = DealStatus(status).label
    assert messages_of(exc) == [
        f"Les retours se donnent une fois l'affaire terminée (elle est « {label} »)."
    ]
    assert not Feedback.objects.exists()


def test_feedback_only_once_per_person_and_deal(alice, bob):
    deal = done_deal(alice, [bob])
    feedback_leave(actor=None, deal=deal, author=alice, about=bob, **GOOD)

    with pytest.raises(ValidationError) as exc:
        feedback_leave(actor=None, deal=deal, author=alice, about=bob, **GOOD)

    assert messages_of(exc) == [
        "Vous avez déjà laissé un retour sur Bob Durand pour cette affaire."
    ]
    assert Feedback.objects.count() == 1


def test_each_side_leaves_its_own_feedback(alice, bob):
    deal = done_deal(alice, [bob])

    feedback_leave(actor=None, deal=deal, author=alice, about=bob, **GOOD)
    feedback_leave(actor=None, deal=deal, author=bob, about=alice, **{**GOOD, "quality": 2})

    assert sorted(Feedback.objects.values_list("author_id", "about_id", "quality")) == sorted(
        [(alice.pk, bob.pk, 5), (bob.pk, alice.pk, 2)]
    )


def test_someone_who_was_not_a_party_cannot_leave_feedback(alice, bob, carol):
    deal = done_deal(alice, [bob])

    with pytest.raises(ValidationError) as exc:
        feedback_leave(actor=None, deal=deal, author=carol, about=bob, **GOOD)

    assert messages_of(exc) == [
        "Carol Petit n'a pas pris part à cette affaire : pas de retour possible."
    ]
    assert not Feedback.objects.exists()


def test_feedback_is_about_another_party(alice, bob, carol):
    deal = done_deal(alice, [bob])

    with pytest.raises(ValidationError) as outsider:
        feedback_leave(actor=None, deal=deal, author=alice, about=carol, **GOOD)
    with pytest.raises(ValidationError) as oneself:
        feedback_leave(actor=None, deal=deal, author=alice, about=alice, **GOOD)

    assert messages_of(outsider) == {"about": ["Carol Petit n'a pas pris part à cette affaire."]}
    assert messages_of(oneself) == {"about": ["On ne laisse pas de retour sur soi-même."]}
    assert not Feedback.objects.exists()


def test_providers_of_a_joint_deal_leave_feedback_on_each_other(alice, bob, carol):
    deal = done_deal(alice, [bob, carol], kind=DealKind.COCONTRACTING)

    feedback_leave(actor=None, deal=deal, author=bob, about=carol, **GOOD)

    assert Feedback.objects.filter(author=bob, about=carol).exists()


@pytest.mark.parametrize(
    ("field", "value", "what"),
    [
        ("quality", 0, "la qualité du travail"),
        ("quality", 6, "la qualité du travail"),
        ("deadlines", "6", "le respect des délais"),
        ("communication", "", "la communication"),
        ("communication", "3.5", "la communication"),
    ],
)
def test_ratings_go_from_1_to_5(alice, bob, field, value, what):
    deal = done_deal(alice, [bob])

    with pytest.raises(ValidationError) as exc:
        feedback_leave(actor=None, deal=deal, author=alice, about=bob, **{**GOOD, field: value})

    assert messages_of(exc) == {
        field: [f"La note pour {what} doit être un nombre entier de 1 à 5 (reçu : {value})."]
    }
    assert not Feedback.objects.exists()


def test_would_work_again_must_be_answered(alice, bob):
    deal = done_deal(alice, [bob])

    with pytest.raises(ValidationError) as exc:
        feedback_leave(
            actor=None, deal=deal, author=alice, about=bob, **{**GOOD, "would_work_again": None}
        )

    assert messages_of(exc) == {
        "would_work_again": ["Dites si vous retravailleriez avec cette personne."]
    }
