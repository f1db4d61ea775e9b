"""Helpers of the tutoring tests: members with an account, the review steps written through
the services."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from essaim.members.models import Member
from essaim.tutoring import services
from essaim.tutoring.models import Session, TutoringCase
from tests.factories import MemberFactory


def entrepreneur(first_name: str, last_name: str, **fields: Any) -> Member:
    """An entrepreneur with a login account (the factory creates one)."""
    return MemberFactory(
        first_name=first_name,
        last_name=last_name,
        email=f"{first_name.lower()}.{last_name.lower()}@example.org",
        **fields,
    )


def accept(case: TutoringCase, *members: Member) -> None:
    for member in members:
        services.volunteer_answer(actor=member.user, case=case, accept=True)


def hold_session(case: TutoringCase, *volunteers: Member, **fields: Any) -> Session:
    """The session of today, recorded by the member, with these (accepted) volunteers."""
    return services.session_record(
        actor=fields.pop("actor", case.member.user),
        case=case,
        date=fields.pop("date", timezone.localdate()),
        situation=fields.pop("situation", "Deux clients en retard de paiement."),
        diagnosis=fields.pop("diagnosis", "Pas de relance écrite, pas d'acompte demandé."),
        member_present=fields.pop("member_present", True),
        advisor_present=fields.pop("advisor_present", True),
        volunteers=list(volunteers),
    )
