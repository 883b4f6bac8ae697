from django.contrib import admin

from .forms import OidcProviderForm
from .models import OidcProvider


@admin.register(OidcProvider)
class OidcProviderAdmin(admin.ModelAdmin):
    form = OidcProviderForm
    list_display = ["name", "slug", "enabled", "visible"]
    list_filter = ["enabled", "visible"]
