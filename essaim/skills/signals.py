"""Signals of the skills app.

`profile_changed(member_ids=[...])` is sent after any write that changes what the directory
knows of members (skills, presentation, portfolio...); the search index listens to it. The
members app (lower in the layering) cannot call us, so its own changes — a member saved (a
name, an exit), an activity or a sector saved — are relayed here as `profile_changed` too.

The search index also follows the nomenclature (a renamed node or a new alias changes the
documents of the members who hold it or a node below it: once the transaction is committed),
and is rebuilt after `migrate` (or a flush) when it does not hold one document per present
member.

Writes made in bulk (`bulk_create`, `QuerySet.update`) send no signal: the code that makes
them calls `search_index.reindex_members(ids)` (or `reindex_all()`) itself.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import Signal, receiver

from essaim.members.models import Activity, Member, Sector

profile_changed = Signal()


@receiver(profile_changed, dispatch_uid="essaim.skills.search_index")
def _reindex(sender: object, member_ids: Any = (), **kwargs: Any) -> None:
    from essaim.skills.search_index import deferred_ids, reindex_members

    waiting = deferred_ids()
    if waiting is not None:
        waiting.update(member_ids)
    else:
        reindex_members(member_ids)


@receiver(post_save, sender=Member, dispatch_uid="essaim.skills.member_saved")
def _member_saved(sender: object, instance: Member, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        profile_changed.send(sender=Member, member_ids=[instance.pk])


@receiver(post_delete, sender=Member, dispatch_uid="essaim.skills.member_deleted")
def _member_deleted(sender: object, instance: Member, **kwargs: Any) -> None:
    from essaim.skills.search_index import remove_members

    remove_members([instance.pk])


@receiver(post_save, sender=Activity, dispatch_uid="essaim.skills.activity_saved")
@receiver(post_delete, sender=Activity, dispatch_uid="essaim.skills.activity_deleted")
def _activity_changed(sender: object, instance: Activity, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        profile_changed.send(sender=Activity, member_ids=[instance.member_id])


@receiver(post_save, sender=Sector, dispatch_uid="essaim.skills.sector_saved")
def _sector_saved(
    sender: object, instance: Sector, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    if not raw and not created:
        ids = list(Activity.objects.filter(sector=instance).values_list("member_id", flat=True))
        if ids:
            profile_changed.send(sender=Sector, member_ids=ids)


_pending = threading.local()


def _reindex_pending_nodes() -> None:
    from essaim.skills.search_index import reindex_nodes, table_exists

    ids: set[int] = getattr(_pending, "node_ids", set())
    _pending.node_ids = set()
    if ids and table_exists():  # a data migration may load the nomenclature before the index
        reindex_nodes(ids, refresh_catalog=False)


def _nodes_changed(node_ids: list[int]) -> None:
    # After the transaction, all at once: the first callback reindexes the holders of every
    # node changed (an import saving a thousand nodes), the others find nothing left to do.
    # Ids left by a rolled-back transaction only cost their holders a reindex.
    ids: set[int] = getattr(_pending, "node_ids", set())
    ids.update(node_ids)
    _pending.node_ids = ids
    transaction.on_commit(_reindex_pending_nodes, robust=True)


def _connect_nomenclature() -> None:
    from essaim.skills.models import Alias, Node

    def node_saved(
        sender: object, instance: Node, created: bool = False, raw: bool = False, **kwargs: Any
    ) -> None:
        if not raw and not created:  # a new node is held by nobody yet
            _nodes_changed([instance.pk])

    def alias_changed(sender: object, instance: Alias, raw: bool = False, **kwargs: Any) -> None:
        if not raw:
            _nodes_changed([instance.node_id])

    post_save.connect(node_saved, sender=Node, weak=False, dispatch_uid="essaim.skills.node")
    post_save.connect(alias_changed, sender=Alias, weak=False, dispatch_uid="essaim.skills.alias")
    post_delete.connect(
        alias_changed, sender=Alias, weak=False, dispatch_uid="essaim.skills.alias_deleted"
    )


_connect_nomenclature()


@receiver(post_migrate, dispatch_uid="essaim.skills.ensure_index")
def _ensure_index(sender: Any, app_config: Any = None, **kwargs: Any) -> None:
    if app_config is None or app_config.label != "skills":
        return
    from essaim.skills.search_index import ensure_index

    ensure_index()
