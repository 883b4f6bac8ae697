from django.shortcuts import render
from django.utils import timezone

from organizations.access import orga_member_required

from .home import home_indicators


@orga_member_required
def home(request):
    """« Accueil »: the indicator cards over the member's campaigns, then where to go."""
    indicators = home_indicators(organization=request.organization, user=request.user, now=timezone.now())
    return render(request, "organizations/home.html", {"indicators": indicators})
