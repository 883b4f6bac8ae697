from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes"

    def ready(self):
        from allauth.account.signals import password_reset

        password_reset.connect(_unblock_after_password_reset, dispatch_uid="accounts_unblock_after_reset")


def _unblock_after_password_reset(sender, request, user, **kwargs):
    # Whoever proved he owns the mailbox signs in at once, from anywhere.
    from .services import login_failures_clear

    for login in filter(None, (user.email, user.username)):
        login_failures_clear(login=login)
