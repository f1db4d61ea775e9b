"""/groupes/: trade, project and brand groups, their work and their discussions."""

from django.urls import path

from essaim.groups.views import discussions, groups, members, work

app_name = "groups"

urlpatterns = [
    path("", groups.group_list, name="list"),
    path("nouveau/", groups.group_create, name="create"),
    path("<int:pk>/", groups.group_detail, name="detail"),
    path("<int:pk>/modifier/", groups.group_edit, name="edit"),
    path("<int:pk>/activer/", groups.group_activate, name="activate"),
    path("<int:pk>/clore/", groups.group_close, name="close"),
    # members
    path("<int:pk>/membres/", members.members, name="members"),
    path("<int:pk>/rejoindre/", members.join, name="join"),
    path("<int:pk>/demander/", members.ask, name="request"),
    path("<int:pk>/quitter/", members.leave, name="leave"),
    path("<int:pk>/notifications/", members.mute, name="mute"),
    path("<int:pk>/membres/inviter/", members.invite, name="invite"),
    path("<int:pk>/membres/<int:membership_id>/", members.membership_edit, name="membership_edit"),
    path(
        "<int:pk>/membres/<int:membership_id>/retirer/",
        members.membership_remove,
        name="membership_remove",
    ),
    path(
        "<int:pk>/invitations/<int:membership_id>/accepter/",
        members.invitation_accept,
        name="invitation_accept",
    ),
    path(
        "<int:pk>/invitations/<int:membership_id>/decliner/",
        members.invitation_decline,
        name="invitation_decline",
    ),
    path(
        "<int:pk>/invitations/<int:membership_id>/retirer/",
        members.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path(
        "<int:pk>/demandes/<int:membership_id>/accepter/",
        members.request_approve,
        name="request_approve",
    ),
    path(
        "<int:pk>/demandes/<int:membership_id>/refuser/",
        members.request_refuse,
        name="request_refuse",
    ),
    # the project charter
    path("<int:pk>/charte/", work.charter, name="charter"),
    path("<int:pk>/charte/modifier/", work.charter_edit, name="charter_edit"),
    path("<int:pk>/charte/phases/", work.phase_add, name="phase_add"),
    path(
        "<int:pk>/charte/phases/<int:phase_id>/supprimer/", work.phase_delete, name="phase_delete"
    ),
    path("<int:pk>/charte/jalons/", work.milestone_add, name="milestone_add"),
    path(
        "<int:pk>/charte/jalons/<int:milestone_id>/atteint/",
        work.milestone_reach,
        name="milestone_reach",
    ),
    path(
        "<int:pk>/charte/jalons/<int:milestone_id>/supprimer/",
        work.milestone_delete,
        name="milestone_delete",
    ),
    path("<int:pk>/charte/relecteurs/", work.reviewer_add, name="reviewer_add"),
    path(
        "<int:pk>/charte/relecteurs/<int:reviewer_id>/retirer/",
        work.reviewer_remove,
        name="reviewer_remove",
    ),
    # work
    path("<int:pk>/taches/", work.tasks, name="tasks"),
    path("<int:pk>/taches/<int:task_id>/", work.task_edit, name="task_edit"),
    path("<int:pk>/taches/<int:task_id>/etat/", work.task_status, name="task_status"),
    path("<int:pk>/decisions/", work.decisions, name="decisions"),
    path("<int:pk>/reunions/", work.notes, name="notes"),
    path("<int:pk>/temps/", work.time_log, name="time"),
    path("<int:pk>/plan/", work.plan, name="plan"),
    path("<int:pk>/plan/<int:cycle_id>/supprimer/", work.cycle_delete, name="cycle_delete"),
    path("<int:pk>/partage/", work.split_rule, name="split"),
    # discussions and files
    path("<int:pk>/discussions/", discussions.threads, name="threads"),
    path("<int:pk>/discussions/<int:thread_id>/", discussions.thread_detail, name="thread"),
    path("<int:pk>/discussions/<int:thread_id>/repondre/", discussions.reply, name="reply"),
    path(
        "<int:pk>/discussions/<int:thread_id>/supprimer/",
        discussions.thread_delete,
        name="thread_delete",
    ),
    path("<int:pk>/fichiers/", discussions.files, name="files"),
    path("<int:pk>/fichiers/<int:file_id>/", discussions.file_download, name="file"),
    path("<int:pk>/fichiers/<int:file_id>/supprimer/", discussions.file_delete, name="file_delete"),
]
