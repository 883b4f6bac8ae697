from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .invitation_mail import invitations_send
from .models import Invitation, Membership, Organization, Role


class OrganizationAdminForm(forms.ModelForm):
    first_admin_email = forms.EmailField(
        label=_("Inviter un administrateur"),
        required=False,
        help_text=_("Adresse e-mail du correspondant Pix : il recevra une invitation comme administrateur."),
    )

    class Meta:
        model = Organization
        fields = ["name", "type", "external_id", "is_managing_students", "email", "archived_at"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organization"
    extra = 0
    fields = ["user", "role", "disabled_at", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationAdminForm
    list_display = ["name", "type", "external_id", "is_managing_students", "created_at", "archived_at"]
    list_filter = ["type", "is_managing_students"]
    search_fields = ["name", "external_id"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        email = form.cleaned_data.get("first_admin_email")
        if not email:
            return
        try:
            invitations_send(
                organization=obj, emails=[email.lower()], invited_by=request.user, now=timezone.now(),
                origin=request.build_absolute_uri("/").rstrip("/"), role=Role.ADMIN,
            )
        except services.TeamError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, _("Invitation envoyée à %(email)s.") % {"email": email})


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "status", "sent_at", "accepted_at"]
    list_filter = ["status"]
    search_fields = ["email", "organization__name"]
    readonly_fields = ["token_hash", "created_at", "sent_at", "accepted_at", "accepted_by", "invited_by"]

    def has_add_permission(self, request):
        return False
