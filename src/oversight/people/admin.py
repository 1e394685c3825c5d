"""Administrators manage the council's structure and staff records in Django's admin.

Child records are deliberately not registered here: they are reached only through the scoped
doorway (cases.queries), never through an unscoped admin list.
"""

from django.contrib import admin

from oversight.people.models import Absence, LocalAuthority, Locality, Team, Worker


class AbsenceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Absence
    extra = 0


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "name",
        "role",
        "team",
        "qualified",
        "qualification_date",
        "fte",
        "supervisor",
        "needs_details",
    ]
    list_filter = ["role", "team", "agency", "needs_details"]
    search_fields = ["name", "swe_number"]
    autocomplete_fields = ["supervisor", "user"]
    inlines = [AbsenceInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "locality"]


admin.site.register(LocalAuthority)
admin.site.register(Locality)
admin.site.site_header = "Oversight administration"
admin.site.site_title = "Oversight administration"
