"""The one base of the refusals a service raises: a stable `code` (for tests, logs and Pix's own
codes) and the `message` shown to the user, optionally the form `field` it is about. An app lists
its messages once, as data (`messages = {code: gettext_lazy(...)}`), so that its forms and its
services say the same words; raising with the code alone takes the message from there."""


class DomainError(Exception):
    messages: dict = {}

    def __init__(self, code: str, message=None, field: str | None = None, **params):
        text = str(self.messages[code] if message is None else message)
        if params:
            text = text % params
        super().__init__(text)
        self.code = code
        self.message = text
        self.field = field
