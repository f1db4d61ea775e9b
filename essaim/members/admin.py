from django.contrib import admin

from essaim.members.models import Sector


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    """Reference data only: members are edited through the application, which audits."""

    list_display = ["code", "label"]
    search_fields = ["code", "label"]
