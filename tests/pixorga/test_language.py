from tests.utils import text


def test_french_is_the_default_whatever_the_browser_asks(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="fr"' in text(response)
    assert "Je suis enseignant" in text(response)


def test_english_is_available_from_the_language_button(client, db):
    client.post("/langue/", {"language": "en", "next": "/"})

    response = client.get("/")

    assert '<html lang="en"' in text(response)
    assert "Je suis enseignant" not in text(response)
    assert response["Content-Language"] == "en"
