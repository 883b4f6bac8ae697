from django import template

from sso.selectors import visible_providers

register = template.Library()


@register.inclusion_tag("sso/provider_buttons.html", takes_context=True)
def sign_in_providers(context):
    """« Se connecter avec … », one button per visible OIDC provider (one query)."""
    request = context.get("request")
    return {"providers": visible_providers(), "next": request.GET.get("next", "") if request else ""}
