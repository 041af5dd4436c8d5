"""The technical admin (/admin-technique/), for superusers only: the network, accounts and roles.

Personal data is not here on purpose: it is reached through the pages, which apply tenancy and journal.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from . import audit
from .models import AuditEvent, Centre, Federation, Partner, Site, StaffRole, Territory, User


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ["centre", "territory", "federation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Accès", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal = []
    list_filter = ["is_active", "is_superuser"]
    inlines = [StaffRoleInline]

    def save_model(self, request, obj, form, change):
        """Switching an account on or off, or making it a superuser, is an access change: journaled."""
        super().save_model(request, obj, form, change)
        watched = [f for f in ("is_active", "is_superuser", "is_staff") if f in form.changed_data]
        if watched or not change:
            audit.record(
                "settings",
                obj=obj,
                detail="administration technique : " + (", ".join(watched) if change else "compte créé"),
            )

    def save_formset(self, request, form, formset, change):
        """Roles given or changed here are journaled like those given from the pages."""
        super().save_formset(request, form, formset, change)
        if formset.model is not StaffRole:
            return
        for staff_role in formset.new_objects:
            audit.record(
                "role_granted", centre=staff_role.centre_id, obj=staff_role, detail="administration technique"
            )
        for staff_role, changed in formset.changed_objects:
            audit.record(
                "role_changed",
                centre=staff_role.centre_id,
                obj=staff_role,
                detail="administration technique : " + ", ".join(changed),
            )
        for staff_role in formset.deleted_objects:
            audit.record(
                "role_revoked", centre=staff_role.centre_id, obj=staff_role, detail="administration technique"
            )


@admin.register(Federation, Territory, Partner)
class NamedAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "territory", "city", "retention_months"]
    list_filter = ["territory"]
    search_fields = ["name", "city"]
    inlines = [SiteInline]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "actor", "centre", "object_type", "object_id", "person_id"]
    list_filter = ["action"]
    list_select_related = ["actor", "centre"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
