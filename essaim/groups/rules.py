"""Who may see and do what in groups: views, templates and the API all ask here.

- Every person of the cooperative (entrepreneurs, advisors, management staff) sees the list of
  groups and each group's card (name, kind, description, skills, leads, number of members):
  one asks to join a closed group one knows exists.
- A trade group's content (plan, members, discussions, files) is read by every entrepreneur
  and advisor of the cooperative; taking part (writing, sharing a file) needs joining it,
  which any entrepreneur may do.
- A closed group's content (charter, tasks, decisions, meeting notes, time log, discussions,
  files) is read by its active members and by management staff (moderation) only. Advisors
  are not members of groups (they have no member record): they are refused a closed group's
  content. A member of the cooperative named outside reviewer of a project reads its charter
  and health panel, nothing else.
- Leads and facilitators manage their group (invitations, requests, charter, roles, plan,
  split rule); management staff also manage trade groups, and moderate every group (close it,
  remove a discussion or a file).
"""

from __future__ import annotations

from typing import Any

from essaim.core import roles
from essaim.groups.models import (
    Group,
    GroupKind,
    Membership,
    MembershipRole,
    MembershipState,
    SharedFile,
    Task,
)


def _uid(user: Any) -> int | None:
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


def can_use_groups(user: Any) -> bool:
    return roles.is_entrepreneur(user) or roles.is_advisor(user) or roles.is_management(user)


def can_create_group(user: Any) -> bool:
    """Entrepreneurs create groups of every kind; management staff create trade groups."""
    return roles.is_entrepreneur(user) or roles.is_management(user)


def kinds_for(user: Any) -> list[str]:
    if roles.is_entrepreneur(user):
        return list(GroupKind.values)
    if roles.is_management(user):
        return [GroupKind.TRADE]
    return []


def is_active_member(user: Any, mine: Membership | None) -> bool:
    """`mine`: the user's current row in the group (selectors.membership_of)."""
    uid = _uid(user)
    return (
        uid is not None
        and roles.is_entrepreneur(user)
        and mine is not None
        and mine.state == MembershipState.ACTIVE
        and mine.member.user_id == uid
    )


def can_see_content(user: Any, group: Group, mine: Membership | None) -> bool:
    """Read the group's content: plan or charter, tasks, decisions, notes, discussions,
    files, members."""
    if roles.is_management(user):
        return True
    if group.is_open:
        return roles.is_entrepreneur(user) or roles.is_advisor(user)
    return is_active_member(user, mine)


def can_see_charter(user: Any, group: Group, mine: Membership | None, reviewer: bool) -> bool:
    """The charter and health panel: those who see the content, and the project's reviewers
    who are members of the cooperative (`reviewer`: selectors.is_reviewer)."""
    return can_see_content(user, group, mine) or (reviewer and roles.is_entrepreneur(user))


def can_take_part(user: Any, group: Group, mine: Membership | None) -> bool:
    """Write in the group: discussions, files, tasks, notes, time."""
    return not group.is_closed and is_active_member(user, mine)


def can_manage(user: Any, group: Group, mine: Membership | None) -> bool:
    if group.is_closed:
        return False
    if group.is_trade and roles.is_management(user):
        return True
    return is_active_member(user, mine) and mine is not None and mine.manages


def can_moderate(user: Any) -> bool:
    return roles.is_management(user)


def can_close(user: Any, group: Group, mine: Membership | None) -> bool:
    if group.is_closed:
        return False
    if roles.is_management(user):
        return True
    return is_active_member(user, mine) and mine is not None and mine.role == MembershipRole.LEAD


def can_join(user: Any, group: Group, mine: Membership | None) -> bool:
    """Join at once: an open group, for an entrepreneur not in it yet."""
    return roles.is_entrepreneur(user) and group.is_open and not group.is_closed and mine is None


def can_request(user: Any, group: Group, mine: Membership | None) -> bool:
    """Ask to join a closed group."""
    return (
        roles.is_entrepreneur(user) and not group.is_open and not group.is_closed and mine is None
    )


def can_answer_invitation(user: Any, membership: Membership) -> bool:
    uid = _uid(user)
    return (
        uid is not None
        and roles.is_entrepreneur(user)
        and membership.state == MembershipState.INVITED
        and membership.member.user_id == uid
        and not membership.group.is_closed
    )


def can_leave(user: Any, mine: Membership | None) -> bool:
    return is_active_member(user, mine)


def can_edit_task(user: Any, group: Group, mine: Membership | None, task: Task) -> bool:
    """Change a task or its status: its owner, or the group's managers."""
    if can_manage(user, group, mine):
        return True
    return can_take_part(user, group, mine) and mine is not None and task.owner_id == mine.member_id


def can_declare_time(user: Any, group: Group, mine: Membership | None) -> bool:
    return can_take_part(user, group, mine)


def can_delete_file(user: Any, group: Group, mine: Membership | None, shared: SharedFile) -> bool:
    if can_moderate(user):
        return True
    return (
        can_take_part(user, group, mine)
        and mine is not None
        and shared.uploaded_by_id == mine.member_id
    )
