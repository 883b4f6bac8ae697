"""Secrets kept a short while in the database, encrypted (Fernet: AES-128-CBC and HMAC-SHA256)
with a key derived from SECRET_KEY, so that a database dump or backup taken meanwhile does not
hold them in clear. A key rotated through SECRET_KEY_FALLBACKS still opens what it sealed."""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class Unreadable(Exception):
    """Sealed with another key, or damaged."""


def _fernet(secret: str, purpose: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"pixorga:{purpose}".encode()).derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _box(purpose: str) -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(secret, purpose) for secret in secrets])


def seal(data: bytes, *, purpose: str) -> bytes:
    return _box(purpose).encrypt(data)


def unseal(token: bytes, *, purpose: str) -> bytes:
    try:
        return _box(purpose).decrypt(bytes(token))
    except InvalidToken:
        raise Unreadable from None
