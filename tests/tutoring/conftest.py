"""Fixtures of the tutoring tests.

- alice (CESA, advisor antoine) asks for a case review needing hairdressing skills;
- carol and dan hold hairdressing skills (vegetal colouring, haircut): the directory suggests
  them; eve holds web skills only: not suggested;
- bob (advisor berenice) is another member, outside alice's case.

Everything is written through the services, so the search index, the audit and the
notifications are real.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from essaim.members.models import Member
from essaim.tutoring import services
from essaim.tutoring.models import TutoringCase
from tests.skills.directory_data import Tree, lexical_only, make_profile, tree  # noqa: F401
from tests.tutoring.factories import entrepreneur

SITUATION = "Trésorerie tendue depuis trois mois, deux clients ne paient pas leurs factures."
TITLE = "Relancer mes clients qui ne paient pas"


@pytest.fixture(autouse=True)
def _lexical(lexical_only):  # noqa: F811
    """The directory's lexical search alone: suggestions do not depend on the model."""


@dataclass
class People:
    carol: Member  # vegetal colouring, expert
    dan: Member  # haircut, confirmed
    eve: Member  # web developer: not a hairdresser


@pytest.fixture
def people(tree) -> People:  # noqa: F811
    return People(
        carol=make_profile(entrepreneur("Carol", "Henné"), skills=[(tree.vegetal, 3)]),
        dan=make_profile(entrepreneur("Dan", "Ciseaux"), skills=[(tree.cut, 2)]),
        eve=make_profile(entrepreneur("Eve", "Web"), skills=[(tree.web, 3)]),
    )


def open_case(member: Member, tree: Tree, **fields) -> TutoringCase:  # noqa: F811
    return services.case_open(
        actor=member.user,
        member=member,
        title=fields.pop("title", TITLE),
        situation=fields.pop("situation", SITUATION),
        nodes=fields.pop("nodes", [tree.hairdresser]),
    )


@pytest.fixture
def case(alice, tree) -> TutoringCase:  # noqa: F811
    """Alice's own request, consent given by asking."""
    return open_case(alice, tree)


@pytest.fixture
def invited(case, alice, people) -> TutoringCase:
    """Carol and dan invited by alice; neither has answered."""
    services.volunteers_invite(actor=alice.user, case=case, members=[people.carol, people.dan])
    case.refresh_from_db()
    return case
