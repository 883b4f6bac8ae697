from lib.memo import remembered

from .models import ExternalIdentity, OidcProvider

# The sign-in page's ENT buttons: kept in the process (lib/memo.py), forgotten when a provider
# is saved or deleted here (sso/apps.py); another process sees the change within this delay.
VISIBLE_PROVIDERS_SECONDS = 30
VISIBLE_PROVIDERS_KEY = "sso.visible_providers"


def identity_of(*, provider: str, external_id: str) -> ExternalIdentity | None:
    return (
        ExternalIdentity.objects.filter(provider=provider, external_id=external_id, user__is_active=True)
        .select_related("user").first()
    )


def visible_providers() -> list[OidcProvider]:
    return remembered(VISIBLE_PROVIDERS_KEY, VISIBLE_PROVIDERS_SECONDS, lambda: list(
        OidcProvider.objects.filter(enabled=True, visible=True).only("slug", "name")
    ))
