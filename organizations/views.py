import logging

from allauth.account.views import LoginView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .access import (
    SESSION_KEY,
    get_invitation_in_organization,
    get_membership_in_organization,
    orga_admin_required,
    orga_member_required,
)
from .forms import InvitationForm, InvitationSignupForm, RoleForm
from .invitation_mail import invitation_send_again, invitations_send
from .models import Invitation, Membership, Role, hash_invitation_token

logger = logging.getLogger(__name__)

ORGA_ACCESS_DENIED = gettext_lazy(
    "L'accès à Pix Orga est limité aux membres invités. Chaque espace est géré par un "
    "administrateur Pix Orga propre à l'organisation utilisatrice. Contactez-le pour qu'il vous invite."
)


class OrgaLoginView(LoginView):
    """Pix Orga's "Connectez-vous": same credentials as Pix, but only for invited members."""

    template_name = "organizations/login.html"
    success_url = reverse_lazy("orga:home")

    def form_valid(self, form):
        if not Membership.objects.active().filter(user=form.user).exists():
            form.add_error(None, ORGA_ACCESS_DENIED)
            return self.form_invalid(form)
        return super().form_valid(form)


@orga_member_required
def home(request):
    return render(request, "organizations/home.html")


@orga_member_required
def members(request):
    return render(
        request,
        "organizations/team_members.html",
        {
            "members": selectors.team_members(request.organization),
            "invitation_count": selectors.pending_invitations(request.organization).count()
            if request.membership.is_admin
            else None,
            "roles": Role.choices,
        },
    )


@orga_admin_required
def invitations(request):
    pending = list(selectors.pending_invitations(request.organization))
    return render(
        request,
        "organizations/team_invitations.html",
        {
            "invitations": pending,
            "invitation_count": len(pending),
            "member_count": selectors.team_members(request.organization).count(),
        },
    )


def _origin(request) -> str:
    """The site's address, for the links of the e-mails."""
    return request.build_absolute_uri("/").rstrip("/")


@orga_admin_required
def invite(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = invitations_send(
                organization=request.organization, emails=form.cleaned_data["emails"], invited_by=request.user,
                now=timezone.now(), origin=_origin(request),
            )
        except services.TeamError as error:
            form.add_error("emails", error.message)
        else:
            emails = ", ".join(item.invitation.email for item in sent)
            messages.success(
                request, _("Une invitation a bien été envoyée à l'adresse e-mail %(emails)s.") % {"emails": emails}
            )
            return redirect("orga:team_invitations")
    return render(
        request,
        "organizations/team_invite.html",
        {"form": form, "validity_days": settings.INVITATION_VALIDITY_DAYS},
    )


@orga_admin_required
@require_POST
def invitation_resend(request, invitation_id):
    invitation = get_invitation_in_organization(request, invitation_id)
    try:
        invitation_send_again(invitation=invitation, now=timezone.now(), origin=_origin(request))
    except services.TeamError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("L'invitation a bien été renvoyée."))
    return redirect("orga:team_invitations")


@orga_admin_required
def invitation_cancel(request, invitation_id):
    invitation = get_invitation_in_organization(request, invitation_id)
    if request.method == "POST":
        try:
            services.invitation_cancel(invitation=invitation)
        except services.TeamError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("L'invitation a bien été supprimée."))
        return redirect("orga:team_invitations")
    return render(request, "organizations/invitation_cancel_confirm.html", {"invitation": invitation})


@orga_admin_required
@require_POST
def member_role(request, membership_id):
    membership = get_membership_in_organization(request, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Rôle inconnu."))
    else:
        try:
            services.membership_change_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
        except services.TeamError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Le rôle a bien été changé."))
    return redirect("orga:team_members")


@orga_admin_required
def member_remove(request, membership_id):
    membership = get_membership_in_organization(request, membership_id)
    if membership.user_id == request.user.pk:
        return redirect("orga:team_leave")
    if request.method == "POST":
        try:
            services.membership_disable(membership=membership, by=request.user, now=timezone.now())
        except services.TeamError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("%(name)s a été supprimé(e) de l'équipe.") % {"name": membership.user.get_full_name()}
            )
        return redirect("orga:team_members")
    return render(request, "organizations/member_remove_confirm.html", {"member": membership})


@orga_member_required
def leave(request):
    if request.method == "POST":
        try:
            services.membership_disable(membership=request.membership, by=request.user, now=timezone.now())
        except services.TeamError as error:
            messages.error(request, error.message)
            return redirect("orga:team_members")
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request,
            _("Vous avez quitté l'espace Pix Orga de %(name)s.") % {"name": request.organization.name},
        )
        return redirect("home")
    return render(request, "organizations/leave_confirm.html")


@orga_member_required
def switch_organization(request):
    memberships = selectors.user_memberships(request.user)
    if request.method == "POST":
        choice = request.POST.get("organization", "")
        well_formed = choice.isascii() and choice.isdigit() and len(choice) < 12
        chosen = memberships.filter(organization_id=int(choice)).first() if well_formed else None
        if chosen is None:
            raise Http404
        request.session[SESSION_KEY] = chosen.organization_id
        Membership.objects.filter(pk=chosen.pk).update(last_accessed_at=timezone.now())
        return redirect("orga:home")
    return render(request, "organizations/switch.html", {"memberships": memberships})


def _invitation_from_token(token) -> Invitation | None:
    return (
        Invitation.objects.select_related("organization")
        .filter(token_hash=hash_invitation_token(token))
        .first()
    )


def _invitation_invalid(request, error, organization_id, *, status=410):
    """The refusal names whom to ask for a new invitation: the school's administrators."""
    admins = list(selectors.organization_admins(organization_id)) if organization_id else []
    return render(request, "organizations/invitation_invalid.html", {"error": error, "admins": admins}, status=status)


def _pending_invitation(token, *, now):
    """The invitation of the link, or why it cannot be used: (invitation, None) or (None, error
    and its school's id and the status to answer with)."""
    invitation = _invitation_from_token(token)
    if invitation is None:
        organization_id = services.invitation_token_organization_id(token)
        logger.info("invitation link without invitation (organization %s)", organization_id)
        return None, (services.invitation_gone_error(), organization_id, 410 if organization_id else 404)
    try:
        services.invitation_check(invitation, now=now)
    except services.TeamError as error:
        return None, (error, invitation.organization_id, 410)
    return invitation, None


def _invitation_page(request, invitation, token, *, signup_form=None, error=None):
    wrong_account = request.user.is_authenticated and (request.user.email or "").lower() != invitation.email
    return render(request, "organizations/invitation_join.html", {
        "invitation": invitation, "organization": invitation.organization, "error": error, "token": token,
        "signup_form": signup_form or InvitationSignupForm(email=invitation.email), "wrong_account": wrong_account,
    })


def _refused(request, invitation, token, error, *, signup_form=None):
    """A refusal of the service: a used or gone invitation gets the refusal page, the rest
    (a taken address, a weak password) is said on the invitation's page."""
    if isinstance(error, services.TeamError) and error.code in {"already_accepted", "cancelled", "expired"}:
        return _invitation_invalid(request, error, invitation.organization_id)
    message = error.message if isinstance(error, services.TeamError) else " ".join(error.messages)
    return _invitation_page(request, invitation, token, signup_form=signup_form, error=message)


@require_GET
def invitation_join(request, token):
    """The link of the e-mail: sign up or sign in, then join the organization."""
    invitation, refusal = _pending_invitation(token, now=timezone.now())
    if refusal is not None:
        return _invitation_invalid(request, *refusal[:2], status=refusal[2])
    return _invitation_page(request, invitation, token)


@require_POST
def invitation_signup(request, token):
    """"Je m'inscris": a new account for the invited address, member at once."""
    now = timezone.now()
    invitation, refusal = _pending_invitation(token, now=now)
    if refusal is not None:
        return _invitation_invalid(request, *refusal[:2], status=refusal[2])
    form = InvitationSignupForm(request.POST, email=invitation.email)
    if request.user.is_authenticated or not form.is_valid():
        return _invitation_page(request, invitation, token, signup_form=form)
    try:
        membership = services.invitation_signup(
            invitation=invitation, first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"], password=form.cleaned_data["password"], now=now,
        )
    except (services.TeamError, ValidationError) as error:
        return _refused(request, invitation, token, error, signup_form=form)
    login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
    return _joined(request, membership)


@require_POST
def invitation_accept(request, token):
    """"Rejoindre l'organisation", signed in."""
    now = timezone.now()
    invitation, refusal = _pending_invitation(token, now=now)
    if refusal is not None:
        return _invitation_invalid(request, *refusal[:2], status=refusal[2])
    if not request.user.is_authenticated:
        return _invitation_page(request, invitation, token)
    try:
        membership = services.invitation_accept(invitation=invitation, user=request.user, now=now)
    except services.TeamError as error:
        return _refused(request, invitation, token, error)
    return _joined(request, membership)


def _joined(request, membership):
    logger.info("user %s joined organization %s", membership.user_id, membership.organization_id)
    request.session[SESSION_KEY] = membership.organization_id
    messages.success(
        request,
        _("Bienvenue dans l'espace Pix Orga de %(name)s.") % {"name": membership.organization.name},
    )
    return redirect("orga:home")
