"""Reads of the campaign pages. Participation counts come from the reverse relation in the
same query as the campaigns (no query per row)."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from learning_content.models import TargetProfile
from learning_content.repository import get_content

from .access import can_manage
from .models import Campaign


def _counted(**conditions):
    """A count of the campaign's current participations (through the reverse relation), as a
    subquery per listed campaign: PostgreSQL computes it for the rows of the page only, where a
    join would group every participation of the school (231 ms at 100,000, 28 ms this way;
    bench/README.md)."""
    current = Q(participations__is_improved=False, participations__deleted_at__isnull=True,
                **{f"participations__{name}": value for name, value in conditions.items()})
    rows = (
        Campaign.objects.filter(pk=OuterRef("pk"))
        .annotate(n=Count("participations", filter=current)).values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def campaign_list(organization, *, owner=None, name: str = "", owner_name: str = "", archived: bool = False):
    campaigns = (
        Campaign.objects.not_deleted()
        .filter(organization=organization, archived_at__isnull=not archived)
        .select_related("owner")
        .annotate(
            participants_count=_counted(),
            shared_count=_counted(status="SHARED"),
        )
        .order_by("-created_at", "-pk")
    )
    if owner is not None:
        campaigns = campaigns.filter(owner=owner)
    if name.strip():
        campaigns = campaigns.filter(name__icontains=name.strip())
    for word in owner_name.split():
        campaigns = campaigns.filter(Q(owner__first_name__icontains=word) | Q(owner__last_name__icontains=word))
    return campaigns


def campaign_header(campaign, *, membership, tab: str) -> dict:
    """What every tab of a campaign page shows in its header (campaigns/campaign_base.html)."""
    return {
        "campaign": campaign,
        "tab": tab,
        "counts": campaign_participation_counts(campaign),
        "can_manage": can_manage(membership, campaign),
    }


def campaign_participation_counts(campaign) -> dict:
    return campaign.participations.counted().aggregate(
        participants=Count("pk"), shared=Count("pk", filter=Q(status="SHARED"))
    )


def target_profile_groups():
    """The parcours a school may choose, grouped by category in the référentiel's order; read
    from the cached référentiel, not from the database."""
    labels = dict(TargetProfile.Category.choices)
    order = list(labels)
    groups: dict[str, list] = {}
    for profile in get_content().target_profiles.values():
        if not profile.is_outdated:
            groups.setdefault(profile.category, []).append(profile)
    return [
        (labels.get(category, _("Autres")), profiles)
        for category, profiles in sorted(
            groups.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)
        )
    ]


def campaigns_selected(organization, ids) -> list:
    """The ticked campaigns of a bulk action that are the school's and not deleted."""
    return list(Campaign.objects.not_deleted().filter(organization=organization, pk__in=ids).select_related("owner"))


def target_profile_choices(profiles) -> dict:
    """What the creation form says of each parcours it offers, by id."""
    summaries = {profile_id: target_profile_summary(profile) for profile_id, profile in profiles.items()}
    for summary in summaries.values():
        summary["subjects_label"] = _("Sujets : %(count)s") % {"count": summary["subjects"]}
        summary["display_label"] = (
            _("Résultats affichés en étoiles") if summary["has_stages"] else _("Résultats affichés en pourcentage")
        )
    return summaries


def target_profile_summary(profile) -> dict:
    """What the creation form and Paramètres say of a parcours."""
    return {
        "id": profile.id,
        "name": profile.name,
        "description": profile.description,
        "subjects": len(profile.capped_tubes),
        "has_stages": bool(profile.stages),
        "resettable": profile.are_knowledge_elements_resettable,
    }
