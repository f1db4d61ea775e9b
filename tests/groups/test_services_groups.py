"""Groups and their members: creation, the 2-to-10 rule, invitations, requests, leaving,
closing; every refusal in French and nothing half-written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from essaim.core.models import AuditEntry, Notification
from essaim.groups.models import Group, GroupStatus, Membership, MembershipState
from essaim.groups.services import groups as services
from tests.groups.factories import add_member, days, entrepreneur, make_group, today

SIZE = "Un groupe projet compte de 2 à 10 membres."


def messages(exc) -> list[str]:
    return exc.value.messages


def states(group: Group) -> list[tuple[str, str]]:
    return sorted(
        (str(m.member), m.state)
        for m in Membership.objects.filter(group=group).select_related("member")
    )


def test_creating_a_project_group_makes_its_creator_lead_in_a_draft_group(alice):
    group = services.group_create(
        actor=alice.user, kind="project", name="  Appel   d'offres ", creator=alice
    )

    assert (group.name, group.status, group.is_open, group.activated_on) == (
        "Appel d'offres",
        GroupStatus.DRAFT,
        False,
        None,
    )
    lead = Membership.objects.get(group=group)
    assert (lead.member, lead.role, lead.state, lead.start) == (alice, "lead", "active", today())
    assert AuditEntry.objects.filter(action="group.created", target_id=str(group.pk)).count() == 1


def test_trade_groups_are_open_and_active_brand_groups_closed_with_equal_shares(alice, claire):
    trade = services.group_create(actor=claire, kind="trade", name="Coiffure")
    brand = services.group_create(
        actor=alice.user, kind="brand", name="Belles Mains", creator=alice
    )

    assert (trade.is_open, trade.status, trade.memberships.count()) == (True, "active", 0)
    assert (brand.is_open, brand.status, brand.split_rule) == (False, "active", "equal")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"kind": "project", "name": " "}, {"name": ["Donnez un nom au groupe."]}),
        ({"kind": "club", "name": "X"}, {"kind": ["Type de groupe inconnu : club."]}),
        ({"kind": "project", "name": "X", "creator": None}, None),
    ],
)
def test_bad_creations_are_refused_and_nothing_is_written(alice, fields, expected):
    fields = {"creator": alice, **fields}

    with pytest.raises(ValidationError) as exc:
        services.group_create(actor=None, **fields)

    if expected:
        assert exc.value.message_dict == expected
    else:
        assert messages(exc) == [
            "Un groupe projet est créé par l'un de ses membres, qui en devient porteur·se."
        ]
    assert Group.objects.count() == 0


def test_a_project_group_of_eleven_is_refused_whichever_way_the_eleventh_comes(alice):
    group = make_group("project", lead=alice, members=[entrepreneur() for _ in range(8)])
    tenth = entrepreneur()
    services.member_invite(actor=alice.user, group=group, member=tenth)  # 9 + 1 invited
    eleventh = entrepreneur()

    with pytest.raises(ValidationError) as invited:
        services.member_invite(actor=alice.user, group=group, member=eleventh)
    assert messages(invited)[0].startswith(SIZE)
    assert "en compte déjà 10, invitations en attente comprises" in messages(invited)[0]

    asking = services.member_request(actor=None, group=group, member=eleventh, message="")
    services.invitation_accept(actor=None, membership=Membership.objects.get(member=tenth))
    with pytest.raises(ValidationError) as approved:
        services.request_approve(actor=alice.user, membership=asking)
    assert messages(approved) == [SIZE + " « Groupe project » en compte déjà 10 : il est complet."]
    assert Membership.objects.get(pk=asking.pk).state == MembershipState.REQUESTED
    assert Membership.objects.filter(group=group, state="active").count() == 10


def test_activation_without_charter_is_refused(alice, bob):
    group = make_group("project", lead=alice, members=[bob])

    with pytest.raises(ValidationError) as exc:
        services.group_activate(actor=alice.user, group=group)

    assert messages(exc)[0].startswith("Ce groupe projet n'a pas encore de charte")
    assert Group.objects.get(pk=group.pk).status == GroupStatus.DRAFT


def test_joining_an_open_group_and_leaving_keeps_the_history(alice, claire):
    group = services.group_create(actor=claire, kind="trade", name="Web")
    first = services.member_join(actor=alice.user, group=group, member=alice, today=days(-40))
    services.membership_end(actor=alice.user, membership=first, today=days(-10))
    again = services.member_join(actor=alice.user, group=group, member=alice)

    rows = list(
        Membership.objects.filter(group=group).order_by("id").values_list("state", "start", "end")
    )
    assert rows == [("left", days(-40), days(-10)), ("active", today(), None)]
    assert again.pk != first.pk


def test_a_closed_group_is_joined_by_request_and_managers_are_told(alice, bob):
    group = make_group("project", lead=alice)

    with pytest.raises(ValidationError) as exc:
        services.member_join(actor=bob.user, group=group, member=bob)
    assert "est fermé : on le rejoint sur invitation" in messages(exc)[0]

    row = services.member_request(actor=bob.user, group=group, member=bob, message="Je code.")
    note = Notification.objects.get(user=alice.user)
    assert (note.kind, note.title, note.body) == (
        "group.request",
        "Bob Durand demande à rejoindre « Groupe project »",
        "Je code.",
    )
    services.request_approve(actor=alice.user, membership=row)
    assert states(group) == [("Alice Martin", "active"), ("Bob Durand", "active")]
    assert Notification.objects.filter(user=bob.user, kind="group.approved").count() == 1


def test_one_cannot_be_invited_twice_nor_answer_twice(alice, bob):
    group = make_group("project", lead=alice)
    row = services.member_invite(actor=alice.user, group=group, member=bob)

    with pytest.raises(ValidationError) as twice:
        services.member_invite(actor=alice.user, group=group, member=bob)
    assert messages(twice) == ["Bob Durand est déjà invité·e : l'invitation attend sa réponse."]

    services.invitation_decline(actor=bob.user, membership=row)
    with pytest.raises(ValidationError) as answered:
        services.invitation_accept(actor=bob.user, membership=row)
    assert messages(answered) == ["Cette invitation ou cette demande a déjà reçu une réponse."]


def test_a_member_who_left_the_cooperative_cannot_join(alice, claire):
    from essaim.members import services as member_services

    member_services.member_exit(actor=None, member=alice, date=days(-1), reason="other")
    alice.refresh_from_db()
    group = services.group_create(actor=claire, kind="trade", name="Web")

    with pytest.raises(ValidationError) as exc:
        services.member_join(actor=None, group=group, member=alice)

    assert messages(exc) == [
        "Alice Martin a quitté la coopérative : ne peut plus rejoindre de groupe."
    ]


def test_closing_ends_memberships_and_drops_what_waits(alice, bob):
    group = make_group("project", lead=alice)
    services.member_invite(actor=alice.user, group=group, member=bob)

    services.group_close(actor=alice.user, group=group)

    group.refresh_from_db()
    assert (group.status, group.closed_on) == ("closed", today())
    assert sorted(Membership.objects.filter(group=group).values_list("state", "end")) == [
        ("declined", None),
        ("left", today()),
    ]
    with pytest.raises(ValidationError) as exc:
        services.member_invite(actor=alice.user, group=group, member=bob)
    assert messages(exc) == ["Le groupe « Groupe project » est clos."]


def test_roles_and_commitments_are_checked(alice, bob):
    group = make_group("project", lead=alice, members=[bob])
    row = Membership.objects.get(group=group, member=bob)

    services.membership_update(
        actor=alice.user, membership=row, role="facilitator", commitment_hours_per_month=6
    )
    with pytest.raises(ValidationError) as exc:
        services.membership_update(
            actor=alice.user, membership=row, role="boss", commitment_hours_per_month=6
        )

    assert exc.value.message_dict == {"role": ["Rôle inconnu : boss."]}
    row.refresh_from_db()
    assert (row.role, row.commitment_hours_per_month) == ("facilitator", 6)
    entry = AuditEntry.objects.get(action="group.membership_updated")
    assert entry.changes == {
        "commitment_hours_per_month": [None, 6],
        "role": ["member", "facilitator"],
    }


def test_the_mute_flag_is_the_members_own(alice, bob):
    group = make_group("project", lead=alice, members=[bob])
    row = Membership.objects.get(group=group, member=bob)

    services.membership_mute(actor=bob.user, membership=row, muted=True)

    assert Membership.objects.get(pk=row.pk).muted is True


def test_members_join_an_open_group_without_invitation(alice, claire):
    group = services.group_create(actor=claire, kind="trade", name="Web")
    add_member(group, alice)
    assert states(group) == [("Alice Martin", "active")]
