import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lib.pagination import paginate
from organizations import teacher_classes
from organizations.access import orga_member_required

from . import selectors, services
from .access import get_campaign_for_member, get_campaign_to_manage
from .forms import CampaignCreateForm, CampaignDeleteForm, CampaignUpdateForm, selected_ids
from .models import Campaign

logger = logging.getLogger(__name__)


@orga_member_required
def campaign_index(request):
    return redirect("campaigns:mine")


@orga_member_required
def campaign_list(request, scope):
    name = request.GET.get("name", "")[:255]
    owner_name = request.GET.get("owner", "")[:255] if scope == "all" else ""
    archived = request.GET.get("status") == "archived"
    divisions = _chosen_divisions(request)
    campaigns = selectors.campaign_list(
        request.organization, owner=request.user if scope == "mine" else None,
        name=name, owner_name=owner_name, archived=archived, divisions=divisions,
    )
    page = paginate(request, campaigns)
    has_filters = bool(name.strip() or owner_name.strip() or archived or divisions)
    return render(request, "campaigns/list.html", {
        "page": page,
        "scope": scope,
        **_classes_filter(request, divisions),
        "filters": {"name": name, "owner": owner_name, "archived": archived},
        "has_filters": has_filters,
        "organization_has_campaigns": page.paginator.count > 0 or has_filters
        or Campaign.objects.not_deleted().filter(organization=request.organization).exists(),
        "can_delete": scope == "mine" or request.membership.is_admin,
    })


def _chosen_divisions(request) -> list[str]:
    if not request.organization.is_managing_students:
        return []
    return [value[:255] for value in request.GET.getlist("classes")[:100] if value]


def _classes_filter(request, divisions) -> dict:
    """The "Classes" filter of a school that manages its pupils, the teacher's classes first."""
    if not request.organization.is_managing_students:
        return {"show_classes": False}
    mine = teacher_classes.marked_divisions(request.membership)
    return {"show_classes": True, "chosen_divisions": divisions, "my_divisions": mine,
            "divisions": sorted(teacher_classes.school_divisions(request.organization), key=lambda d: d not in mine)}


def _duplicate_initial(request, source_id) -> dict:
    source = get_campaign_for_member(request, source_id)
    return {
        "name": _("Copie de %(name)s") % {"name": source.name},
        "type": source.type,
        "target_profile": source.target_profile_id or "",
        "multiple_sendings": "1" if source.multiple_sendings else "0",
        "automatic_sharing": "1" if source.automatic_sharing else "0",
        "ask_external_id": "1" if source.external_id_label else "0",
        "external_id_type": source.external_id_type,
        "external_id_label": source.external_id_label,
        "title": source.title,
        "custom_landing_page_text": source.custom_landing_page_text,
    }


@orga_member_required
def campaign_create(request):
    source = request.GET.get("source", "")
    initial = _duplicate_initial(request, source) if source.isascii() and source.isdigit() else {}
    form = CampaignCreateForm(request.POST or None, initial=initial, organization=request.organization,
                              user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                organization=request.organization, creator=request.user, **form.campaign_fields()
            )
        except services.CampaignError as error:
            form.add_error(error.field, error.message)
        else:
            logger.info("campaign %s created by user %s", campaign.pk, request.user.pk)
            messages.success(request, _("La campagne a bien été créée. Donnez son code à vos élèves : %(code)s.")
                             % {"code": campaign.code})
            return redirect("campaigns:settings", campaign.pk)
    return render(request, "campaigns/create.html", {
        "form": form, "profiles": selectors.target_profile_choices(form.profiles), "duplicate": bool(initial),
    })


@orga_member_required
def campaign_settings(request, campaign_id):
    campaign = get_campaign_for_member(request, campaign_id)
    context = selectors.campaign_header(campaign, membership=request.membership, tab="settings")
    if campaign.target_profile_id:
        profile = selectors.get_content().target_profiles.get(campaign.target_profile_id)
        context["parcours"] = selectors.target_profile_summary(profile) if profile else None
    return render(request, "campaigns/settings.html", context)


@orga_member_required
def campaign_edit(request, campaign_id):
    campaign = get_campaign_to_manage(request, campaign_id)
    if campaign.archived_at is not None:
        messages.error(request, _("Une campagne archivée ne peut pas être modifiée."))
        return redirect("campaigns:settings", campaign.pk)
    form = CampaignUpdateForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.campaign_update(
                campaign=campaign, name=data["name"], owner=data["owner"], title=data.get("title", ""),
                custom_landing_page_text=data["custom_landing_page_text"],
            )
        except services.CampaignError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Les modifications ont bien été enregistrées."))
            return redirect("campaigns:settings", campaign.pk)
    return render(request, "campaigns/edit.html", {"form": form, "campaign": campaign})


@orga_member_required
def campaign_divisions(request, campaign_id):
    """"Classes autorisées" of a campaign, in Paramètres."""
    campaign = get_campaign_to_manage(request, campaign_id)
    if not campaign.organization.is_managing_students:
        raise Http404
    school = teacher_classes.school_divisions(campaign.organization)
    if request.method == "POST":
        try:
            services.campaign_restrict(campaign=campaign, divisions=request.POST.getlist("classes")[:500],
                                       school_divisions=school)
        except services.CampaignError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Les classes autorisées ont bien été enregistrées."))
            return redirect("campaigns:settings", campaign.pk)
    return render(request, "campaigns/divisions.html", {
        "campaign": campaign, "divisions": school, "chosen_divisions": campaign.divisions,
    })


@orga_member_required
@require_POST
def campaign_archive(request, campaign_id):
    campaign = get_campaign_to_manage(request, campaign_id)
    try:
        services.campaign_archive(campaign=campaign, by=request.user, now=timezone.now())
    except services.CampaignError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("La campagne a bien été archivée."))
    return redirect("campaigns:settings", campaign.pk)


@orga_member_required
@require_POST
def campaign_unarchive(request, campaign_id):
    campaign = get_campaign_to_manage(request, campaign_id)
    services.campaign_unarchive(campaign=campaign)
    messages.success(request, _("La campagne a bien été désarchivée."))
    return redirect("campaigns:settings", campaign.pk)


def _delete_and_tell(request, ids):
    try:
        count = services.campaigns_delete(
            organization=request.organization, campaign_ids=ids, membership=request.membership, now=timezone.now()
        )
    except services.CampaignError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, ngettext(
            "La campagne a bien été supprimée.", "Les %(count)d campagnes ont bien été supprimées.", count
        ) % {"count": count})


@orga_member_required
def campaigns_delete(request):
    source = request.POST if request.method == "POST" else request.GET
    ids = selected_ids(source.getlist("campaign"))
    back = reverse("campaigns:all" if source.get("scope") == "all" else "campaigns:mine")
    campaigns = selectors.campaigns_selected(request.organization, ids)
    if not campaigns or len(campaigns) != len(ids):
        messages.error(request, _("Veuillez sélectionner au moins une campagne."))
        return redirect(back)
    if not request.membership.is_admin and any(c.owner_id != request.user.pk for c in campaigns):
        raise PermissionDenied
    form = CampaignDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _delete_and_tell(request, ids)
        return redirect(back)
    return render(request, "campaigns/delete_confirm.html", {
        "campaigns": campaigns, "form": form, "scope": source.get("scope", "mine"), "back": back,
    })
