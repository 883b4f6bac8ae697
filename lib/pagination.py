"""Pix UI pagination: `pageNumber` and `pageSize` in the query string (a filtered page can be
bookmarked), sizes 10/25/50/100. One COUNT and one slice, whatever the page."""

from django.core.paginator import Paginator

PAGE_SIZES = (10, 25, 50, 100)


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def paginate(request, queryset, *, default_size=PAGE_SIZES[0]):
    size = _int(request.GET.get("pageSize"), default_size)
    if size not in PAGE_SIZES:
        size = default_size
    paginator = Paginator(queryset, size)
    page = paginator.get_page(_int(request.GET.get("pageNumber"), 1))
    page.page_sizes = PAGE_SIZES
    page.query_without_page = _query_without(request, "pageNumber")
    page.hidden_params = [
        (key, value) for key, values in request.GET.lists() if key not in {"pageNumber", "pageSize"} for value in values
    ]
    return page


def _query_without(request, *names):
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode() + "&" if query else ""
