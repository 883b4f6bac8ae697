from django.urls import reverse

from accounts.adapters import AccountAdapter as BaseAccountAdapter

from .models import Membership


class AccountAdapter(BaseAccountAdapter):
    """The site's ACCOUNT_ADAPTER: accounts' sign-in rules, and where a teacher lands, which
    only organizations knows."""

    def get_login_redirect_url(self, request):
        # An explicit ?next= is honoured by allauth before this is called. A teacher lands in
        # his Pix Orga space, a pupil on Pix's home.
        if Membership.objects.active().filter(user=request.user).exists():
            return reverse("orga:home")
        return reverse("home")
