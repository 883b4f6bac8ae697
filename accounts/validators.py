import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class PixPasswordValidator:
    """The Pix rule: at least 8 characters with an upper-case letter, a lower-case letter
    and a digit."""

    def validate(self, password, user=None):
        if (
            len(password) < 8
            or not re.search(r"[A-Z]", password)
            or not re.search(r"[a-z]", password)
            or not re.search(r"\d", password)
        ):
            raise ValidationError(self.get_help_text(), code="password_too_weak")

    def get_help_text(self):
        return _(
            "Votre mot de passe doit contenir 8 caractères au minimum et comporter au moins "
            "une majuscule, une minuscule et un chiffre."
        )
