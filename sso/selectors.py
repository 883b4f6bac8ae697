from .models import ExternalIdentity, OidcProvider


def identity_of(*, provider: str, external_id: str) -> ExternalIdentity | None:
    return (
        ExternalIdentity.objects.filter(provider=provider, external_id=external_id, user__is_active=True)
        .select_related("user").first()
    )


def visible_providers() -> list[OidcProvider]:
    return list(OidcProvider.objects.filter(enabled=True, visible=True).only("slug", "name"))
