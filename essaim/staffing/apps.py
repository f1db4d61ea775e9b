from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "essaim.staffing"
    label = "staffing"
    verbose_name = _("Staffing coopératif")

    def ready(self) -> None:
        from essaim.members.history import register_labels

        register_labels(actions=HISTORY_ACTIONS)  # invitations show in the member's history


HISTORY_ACTIONS = {
    "staffing.invited": _("Invitation dans une équipe (staffing)"),
    "staffing.accepted": _("Invitation acceptée (staffing)"),
    "staffing.declined": _("Invitation déclinée (staffing)"),
}
