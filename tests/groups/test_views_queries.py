"""Every list renders in a fixed number of queries: measured with one item, then with three."""

# ruff: noqa: F811

from __future__ import annotations

from decimal import Decimal

import pytest

from essaim.groups.services import discussions
from essaim.groups.services import groups as group_services
from essaim.groups.services import project as services
from tests.groups.factories import add_member, days, entrepreneur, make_group, today
from tests.groups.pages import closed, pdf, trade  # noqa: F401
from tests.members.pages import queries_to_render
from tests.skills.directory_data import tree  # noqa: F401


def same_queries(client, url, add_two) -> tuple[int, int]:
    one = queries_to_render(client, url)
    add_two()
    return one, queries_to_render(client, url)


def test_the_group_list(client, alice, claire, tree):
    def group(name):
        found = group_services.group_create(
            actor=claire, kind="trade", name=name, nodes=[tree.web, tree.cut]
        )
        add_member(found, entrepreneur())
        group_services.member_invite(actor=None, group=found, member=entrepreneur())
        return found

    group("Un")
    client.force_login(alice.user)
    one, three = same_queries(client, "/groupes/", lambda: [group("Deux"), group("Trois")])
    assert one == three


@pytest.mark.parametrize("viewer", ["lead", "claire"])
def test_the_members_page_and_the_group_page(client, request, alice, viewer):
    group = make_group("project", lead=alice, members=[entrepreneur()])
    services.reviewer_add(actor=None, group=group, name="Expert", email="e@x.fr")
    user = alice.user if viewer == "lead" else request.getfixturevalue(viewer)
    client.force_login(user)

    def add_two():
        for _ in range(2):
            add_member(group, entrepreneur())
            group_services.member_request(actor=None, group=group, member=entrepreneur())
            services.reviewer_add(actor=None, group=group, member=entrepreneur())
        row = group_services.membership_end(
            actor=None, membership=group.memberships.filter(role="member", state="active").first()
        )
        assert row.state == "left"

    urls = (f"/groupes/{group.pk}/membres/", f"/groupes/{group.pk}/")
    before = [queries_to_render(client, url) for url in urls]
    add_two()
    assert [queries_to_render(client, url) for url in urls] == before


def test_the_tasks(client, closed):
    client.force_login(closed.denis.user)

    def add_two():
        for owner in (closed.carole, closed.denis):
            services.task_add(
                actor=None, group=closed.group, title="T", owner=owner, due_date=days(-1)
            )

    one, three = same_queries(client, f"/groupes/{closed.group.pk}/taches/", add_two)
    assert one == three


def test_the_threads_and_a_thread(client, closed, alice):
    client.force_login(closed.denis.user)

    def add_two_threads():
        for author in (closed.carole, closed.denis):
            discussions.thread_start(
                actor=None, group=closed.group, author=author, title="S", body="@Alice Martin ?"
            )

    def add_two_posts():
        for author in (closed.carole, closed.denis):
            discussions.post_reply(
                actor=None, thread=closed.thread, author=author, body="@Alice Martin @Carole Lefort"
            )

    one, three = same_queries(client, f"/groupes/{closed.group.pk}/discussions/", add_two_threads)
    assert one == three
    url = f"/groupes/{closed.group.pk}/discussions/{closed.thread.pk}/"
    one, three = same_queries(client, url, add_two_posts)
    assert one == three


def test_decisions_notes_files_and_time(client, closed, alice):
    client.force_login(closed.denis.user)
    pk = closed.group.pk

    def decisions():
        for text in ("A", "B"):
            services.decision_add(
                actor=None,
                group=closed.group,
                date=today(),
                text=text,
                decided_by="le groupe",
                recorded_by=closed.denis,
            )

    def notes():
        for _ in range(2):
            services.note_add(
                actor=None,
                group=closed.group,
                date=today(),
                attendees=[alice, closed.carole, closed.denis],
            )

    def files():
        for member in (closed.carole, closed.denis):
            discussions.file_share(actor=None, group=closed.group, member=member, upload=pdf())

    def hours():
        for member in (closed.carole, closed.denis):
            services.time_declare(
                actor=None, group=closed.group, member=member, month=today(), hours=Decimal(3)
            )
        add_member(closed.group, entrepreneur())

    for path, add_two in (
        ("decisions/", decisions),
        ("reunions/", notes),
        ("fichiers/", files),
        ("temps/", hours),
    ):
        one, three = same_queries(client, f"/groupes/{pk}/{path}", add_two)
        assert (path, one) == (path, three)


def test_the_charter_and_the_plan(client, closed, trade, claire):
    client.force_login(claire)

    def milestones():
        phase = services.phase_add(actor=None, group=closed.group, name="Suite")
        for name in ("J1", "J2"):
            services.milestone_add(actor=None, phase=phase, name=name, due_date=days(9))
        services.phase_add(actor=None, group=closed.group, name="Fin")

    def cycles():
        for title in ("C1", "C2"):
            services.cycle_add(
                actor=None, group=trade.group, kind="training", title=title, date=days(4)
            )

    one, three = same_queries(client, f"/groupes/{closed.group.pk}/charte/", milestones)
    assert one == three
    one, three = same_queries(client, f"/groupes/{trade.group.pk}/plan/", cycles)
    assert one == three
