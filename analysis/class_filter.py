"""The "Classes" filter of the campaign tabs, for a school that manages its students."""

from . import selectors


def chosen_divisions(request, organization) -> list[str]:
    """The "Classes" ticked. Classes exist only for a school that manages its students;
    elsewhere the filter is not shown, and a stray `classes` must not empty a list."""
    if not organization.is_managing_students:
        return []
    return [value[:255] for value in request.GET.getlist("classes")[:100] if value]


def classes_context(campaign, divisions) -> dict:
    """The "Classes" filter and column, for a school that manages its students."""
    if not campaign.organization.is_managing_students:
        return {"show_classes": False}
    return {"show_classes": True, "divisions": selectors.campaign_divisions(campaign), "chosen_divisions": divisions}
