import pytest
from django.urls import reverse

from tests.factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.parametrize("model", ["area", "competence", "tube", "skill", "challenge", "tutorial", "targetprofile"])
def test_the_admin_lists_and_searches_the_content(client, superuser, referential, model):
    client.force_login(superuser)

    response = client.get(reverse(f"admin:learning_content_{model}_changelist"), {"q": "mot"})

    assert response.status_code == 200


def test_content_cannot_be_edited_in_the_admin(client, superuser, referential):
    client.force_login(superuser)
    skill_id = next(iter(referential.skills))

    assert client.get(reverse("admin:learning_content_skill_add")).status_code == 403
    assert client.post(reverse("admin:learning_content_skill_change", args=[skill_id]), {}).status_code == 403
