"""What a provider says of a person, read from its SAML attributes or OIDC claims through
the configured mapping. Pure functions over plain values."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass

DEFAULT_GAR_MAPPING = {"external_id": "IDO", "first_name": "PRE", "last_name": "NOM"}
DEFAULT_OIDC_MAPPING = {"external_id": "sub", "first_name": "given_name", "last_name": "family_name"}
FIELDS = tuple(DEFAULT_GAR_MAPPING)


@dataclass(frozen=True, slots=True)
class ExternalUser:
    provider: str
    external_id: str
    first_name: str
    last_name: str

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def complement(self) -> dict:
        return {"first_name": self.first_name, "last_name": self.last_name}


def _first(value) -> str:
    # SAML attributes are lists of values; the GAR sends one of each.
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value or "").strip()


def external_user(provider: str, values: Mapping, mapping: Mapping[str, str]) -> ExternalUser | None:
    """The person behind these attributes or claims; None when the identifier is missing
    (names may be empty: the reconciliation then finds no one)."""
    read = {field: _first(values.get(mapping[field])) for field in FIELDS}
    if not read["external_id"]:
        return None
    return ExternalUser(provider, read["external_id"], read["first_name"], read["last_name"])


def complement_changes(stored: Mapping, person: ExternalUser) -> dict | None:
    """The new complement when the provider sends other names than those kept, else None."""
    return None if dict(stored) == person.complement else person.complement
