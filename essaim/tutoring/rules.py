"""Who may see and do what with tutoring cases: views, selectors and templates all ask here.

A case is strictly confidential. It is seen by:
- the member whose situation it is (their own entrepreneur account);
- their advisor, the one following them today (`member.advisor`): a new advisor takes the
  case over, the former one loses it;
- the volunteers invited to it, while invited or once they accepted — a volunteer who declined
  no longer sees it. Volunteers are invited only once the member consented.

Nobody else: not management staff (they only get the yearly count, `selectors.stats`), not
other advisors, not other members, not anonymous visitors. A case page answers 404 to them,
as if it did not exist, so that even the existence of a case is not revealed.

Who acts:
- an entrepreneur opens a case for themself only; an advisor proposes one to a member they
  follow, which waits for the member's consent; management staff neither open nor propose
  (they do not see cases at all);
- the member and the advisor lead the case: invite volunteers, record the session, the action
  plan and the follow-ups, close it;
- an invited volunteer accepts or declines; an accepted volunteer marks done the actions they
  own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from essaim.core import roles
from essaim.tutoring.models import (
    ActionItem,
    CaseStatus,
    Consent,
    TutoringCase,
    Volunteer,
    VolunteerStatus,
)

SEEING = (VolunteerStatus.INVITED, VolunteerStatus.ACCEPTED)
INVITING = (CaseStatus.REQUESTED, CaseStatus.VOLUNTEERS_INVITED)
RECORDING = (CaseStatus.VOLUNTEERS_INVITED, CaseStatus.SESSION_HELD, CaseStatus.FOLLOW_UP)


def _uid(user: Any) -> int | None:
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


def can_use_tutoring(user: Any) -> bool:
    """The "Mes cas" page: entrepreneurs (their cases, their invitations) and advisors."""
    return roles.is_entrepreneur(user) or roles.is_advisor(user)


def can_open_case(user: Any) -> bool:
    return roles.is_entrepreneur(user)


def can_propose_case(user: Any) -> bool:
    return roles.is_advisor(user)


def is_case_member(user: Any, case: TutoringCase) -> bool:
    uid = _uid(user)
    return uid is not None and roles.is_entrepreneur(user) and case.member.user_id == uid


def is_case_advisor(user: Any, case: TutoringCase) -> bool:
    uid = _uid(user)
    return uid is not None and roles.is_advisor(user) and case.member.advisor_id == uid


def _is_own_row(user: Any, row: Volunteer | None, case: TutoringCase) -> bool:
    uid = _uid(user)
    return (
        row is not None
        and uid is not None
        and roles.is_entrepreneur(user)
        and row.case_id == case.pk
        and row.member.user_id == uid
    )


def can_lead(user: Any, case: TutoringCase) -> bool:
    """The member and their advisor run the case."""
    return is_case_member(user, case) or is_case_advisor(user, case)


def can_see_case(user: Any, case: TutoringCase, row: Volunteer | None = None) -> bool:
    """`row`: the viewer's own invitation to the case, if any."""
    if can_lead(user, case):
        return True
    return _is_own_row(user, row, case) and case.has_consent and row.status in SEEING  # type: ignore[union-attr]


def cases_visible_to(user: Any) -> Q:
    """A Q on TutoringCase rows the user may see (the same rule as `can_see_case`)."""
    uid = _uid(user)
    if uid is None:
        return Q(pk__in=[])
    if roles.is_advisor(user):
        return Q(member__advisor_id=uid)
    if roles.is_entrepreneur(user):
        invited = Volunteer.objects.filter(member__user_id=uid, status__in=SEEING).values("case_id")
        return Q(member__user_id=uid) | Q(consent=Consent.GIVEN, pk__in=invited)
    return Q(pk__in=[])


def can_consent(user: Any, case: TutoringCase) -> bool:
    return is_case_member(user, case) and case.consent == Consent.PENDING


def can_invite(user: Any, case: TutoringCase) -> bool:
    return can_lead(user, case) and case.has_consent and case.status in INVITING


def can_answer(user: Any, case: TutoringCase, row: Volunteer | None) -> bool:
    return (
        _is_own_row(user, row, case)
        and row.status == VolunteerStatus.INVITED  # type: ignore[union-attr]
        and case.has_consent
        and case.status in INVITING
    )


def can_record_session(user: Any, case: TutoringCase) -> bool:
    return can_lead(user, case) and case.has_consent and case.status in RECORDING


def can_plan(user: Any, case: TutoringCase, has_session: bool) -> bool:
    """Add actions to the plan, record a follow-up: once the session is held."""
    return can_lead(user, case) and has_session and not case.is_closed


def can_mark_done(
    user: Any, case: TutoringCase, item: ActionItem, row: Volunteer | None = None
) -> bool:
    if case.is_closed or item.done_at is not None or item.case_id != case.pk:
        return False
    if can_lead(user, case):
        return True
    return (
        _is_own_row(user, row, case)
        and row.status == VolunteerStatus.ACCEPTED  # type: ignore[union-attr]
        and item.owner_member_id == row.member_id  # type: ignore[union-attr]
    )


def can_close(user: Any, case: TutoringCase) -> bool:
    """Close a case, or withdraw a proposal still waiting for consent."""
    return can_lead(user, case) and not case.is_closed
