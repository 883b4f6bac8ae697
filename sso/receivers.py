from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lib.memo import forget

from .models import OidcProvider
from .selectors import VISIBLE_PROVIDERS_KEY


@receiver([post_save, post_delete], sender=OidcProvider)
def provider_changed(**_kwargs):
    """The sign-in page of this process shows the change at once (sso.selectors)."""
    forget(VISIBLE_PROVIDERS_KEY)
