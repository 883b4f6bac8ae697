""""Générer les identifiants et les mots de passe" of a class (A.14) and the pupil's first
sign-in with the one-time password."""

import csv
import io
import re
from datetime import date

import pytest
from django.contrib.auth import authenticate
from django.test import TestCase
from django.urls import reverse

from accounts.models import User
from organizations.models import OrganizationLearner
from tests.factories import LearnerFactory, UserFactory
from tests.utils import text

HEADER = ["Classe", "Nom", "Prénom", "Identifiant", "Mot de passe"]


@pytest.fixture
def class_3e_a(managing_school, other_school):
    """3e A: Zoé Abel and Hélène N’Diaye without account, Léo Durand whose `leo.durand0202` is
    someone else's, Inès Martin with a username, Élodie Bernard with an e-mail, a pupil who
    left; Hugo Petit in 3e B; the other school's own 3e A."""
    UserFactory(email=None, username="leo.durand0202", first_name="Léo", last_name="Durand")
    other_school.is_managing_students = True
    other_school.save()
    return {
        "abel": LearnerFactory(organization=managing_school, first_name="Zoé", last_name="Abel",
                               birthdate=date(2011, 3, 14), division="3e A"),
        "ndiaye": LearnerFactory(organization=managing_school, first_name="Hélène", last_name="N’Diaye",
                                 birthdate=date(2011, 12, 5), division="3e A"),
        "durand": LearnerFactory(organization=managing_school, first_name="Léo", last_name="Durand",
                                 birthdate=date(2011, 2, 2), division="3e A"),
        "martin": LearnerFactory(organization=managing_school, first_name="Inès", last_name="Martin",
                                 birthdate=date(2011, 1, 1), division="3e A",
                                 user=UserFactory(email=None, username="ines.martin0101",
                                                  first_name="Inès", last_name="Martin")),
        "bernard": LearnerFactory(organization=managing_school, first_name="Élodie", last_name="Bernard",
                                  birthdate=date(2010, 11, 2), division="3e A",
                                  user=UserFactory(email="elodie@example.test")),
        "left": LearnerFactory(organization=managing_school, first_name="Jules", last_name="Parti",
                               birthdate=date(2011, 6, 6), division="3e A", is_disabled=True),
        "petit": LearnerFactory(organization=managing_school, first_name="Hugo", last_name="Petit",
                                birthdate=date(2011, 7, 7), division="3e B"),
        "elsewhere": LearnerFactory(organization=other_school, first_name="Paul", last_name="Ailleurs",
                                    birthdate=date(2011, 8, 8), division="3e A"),
        "elsewhere_only": LearnerFactory(organization=other_school, first_name="Rose", last_name="Lointaine",
                                         birthdate=date(2011, 9, 9), division="5e Z"),
    }


def generate(client, division="3e A"):
    """Ask for the class's logins (the job runs once the request commits: in process here, a
    worker in production) and download the file from the job's page, as the admin does."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("orga:learner_logins"), {"division": division})
    if response.status_code != 302:
        return response
    page = client.get(response.url)
    link = re.search(r'href="([^"]+/fichier/)"', page.content.decode())
    return client.get(link.group(1)) if link else page


def csv_rows(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def by_last_name(rows) -> dict[str, list[str]]:
    return {row[1]: row for row in rows[1:]}


# --- The admin's page and the file ---------------------------------------------------------

def test_the_page_sums_up_what_will_happen_to_the_class(client_of, correspondent, class_3e_a):
    page = text(client_of(correspondent).get(reverse("orga:learner_logins"), {"division": "3e A"}))

    assert "Classe 3e A" in page
    assert "3 élèves sans compte" in page
    assert "1 élève qui se connecte avec un identifiant" in page
    assert "1 élève qui se connecte avec son adresse e-mail" in page
    assert not User.objects.filter(username="zoe.abel1403").exists()


def test_the_classes_offered_are_the_schools_own(client_of, correspondent, class_3e_a):
    page = text(client_of(correspondent).get(reverse("orga:learner_logins")))

    assert re.findall(r'<option value="([^"]+)"', page) == ["3e A", "3e B"]


def test_the_admin_downloads_one_row_per_pupil_of_the_class(client_of, correspondent, class_3e_a):
    response = generate(client_of(correspondent))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="Identifiants-3e-A-')
    assert response["Cache-Control"] == "no-store, private"
    assert response.content.decode("utf-8").splitlines()[0] == '\ufeff"Classe";"Nom";"Prénom";"Identifiant";"Mot de passe"'
    rows = csv_rows(response)
    assert rows[0] == HEADER
    assert sorted(row[1] for row in rows[1:]) == ["Abel", "Durand", "Martin", "N’Diaye"]
    assert all(row[0] == "3e A" and len(row) == 5 for row in rows[1:])


def test_a_pupil_without_account_gets_a_username_account_linked_to_him(client_of, correspondent, class_3e_a):
    rows = by_last_name(csv_rows(generate(client_of(correspondent))))

    assert rows["Abel"][:4] == ["3e A", "Abel", "Zoé", "zoe.abel1403"]
    assert rows["N’Diaye"][3] == "helene.ndiaye0512"
    user = User.objects.get(username="zoe.abel1403")
    assert user.email is None and user.must_change_password
    assert (user.first_name, user.last_name) == ("Zoé", "Abel")
    assert OrganizationLearner.objects.get(pk=class_3e_a["abel"].pk).user == user
    assert user.check_password(rows["Abel"][4])


def test_a_taken_username_gets_four_other_digits(client_of, correspondent, class_3e_a):
    rows = by_last_name(csv_rows(generate(client_of(correspondent))))

    username = rows["Durand"][3]
    assert re.fullmatch(r"leo\.durand\d{4}", username) and username != "leo.durand0202"
    assert OrganizationLearner.objects.get(pk=class_3e_a["durand"].pk).user.username == username
    assert User.objects.filter(username__startswith="leo.durand").count() == 2


def test_a_pupil_with_a_username_gets_a_new_password(client_of, correspondent, class_3e_a):
    martin = class_3e_a["martin"].user

    rows = by_last_name(csv_rows(generate(client_of(correspondent))))

    assert rows["Martin"][3] == "ines.martin0101"
    martin.refresh_from_db()
    assert martin.check_password(rows["Martin"][4])
    assert not martin.check_password("Pix-Test-2026")
    assert martin.must_change_password
    assert User.objects.filter(username__startswith="ines.martin").count() == 1


def test_a_pupil_with_an_email_keeps_his_account_and_is_not_in_the_file(client_of, correspondent, class_3e_a):
    bernard = class_3e_a["bernard"].user

    response = generate(client_of(correspondent))

    assert "Bernard" not in response.content.decode("utf-8")
    bernard.refresh_from_db()
    assert bernard.check_password("Pix-Test-2026") and not bernard.must_change_password
    assert bernard.username is None


def test_pupils_who_left_or_of_another_class_or_school_get_nothing(client_of, correspondent, class_3e_a):
    body = generate(client_of(correspondent)).content.decode("utf-8")

    for name in ("Parti", "Petit", "Ailleurs", "Lointaine"):
        assert name not in body
    for key in ("left", "petit", "elsewhere", "elsewhere_only"):
        assert OrganizationLearner.objects.get(pk=class_3e_a[key].pk).user is None


def test_a_class_of_another_school_is_not_reachable(client_of, correspondent, class_3e_a):
    client = client_of(correspondent)

    response = generate(client, division="5e Z")
    summary = text(client.get(reverse("orga:learner_logins"), {"division": "5e Z"}))

    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Lointaine" not in text(response) and "Classe 5e Z" not in summary
    assert OrganizationLearner.objects.get(pk=class_3e_a["elsewhere_only"].pk).user is None


def test_the_passwords_of_the_file_open_the_accounts(client_of, correspondent, class_3e_a):
    rows = csv_rows(generate(client_of(correspondent)))[1:]

    for _class, _last, _first, username, password in rows:
        user = authenticate(username=username, password=password)
        assert user is not None and user.username == username


def test_the_password_of_the_file_signs_in_through_the_login_page(client, correspondent, class_3e_a):
    client.force_login(correspondent)
    abel = by_last_name(csv_rows(generate(client)))["Abel"]
    client.logout()

    response = client.post(reverse("account_login"), {"login": abel[3], "password": abel[4]})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == User.objects.get(username="zoe.abel1403").pk


def test_a_member_who_is_not_admin_gets_403(client_of, teacher, class_3e_a):
    client = client_of(teacher)

    assert client.get(reverse("orga:learner_logins"), {"division": "3e A"}).status_code == 403
    assert generate(client).status_code == 403
    assert not User.objects.filter(username="zoe.abel1403").exists()


def test_the_admin_of_another_school_never_reaches_these_pupils(client_of, teacher_of_another_school, class_3e_a):
    rows = csv_rows(generate(client_of(teacher_of_another_school)))

    assert [row[1] for row in rows[1:]] == ["Ailleurs"]
    assert OrganizationLearner.objects.get(pk=class_3e_a["abel"].pk).user is None


def test_a_pupil_without_membership_is_refused(client_of, student, class_3e_a):
    assert generate(client_of(student)).status_code == 403
    assert not User.objects.filter(username="zoe.abel1403").exists()


# --- The first sign-in ---------------------------------------------------------------------

@pytest.fixture
def pupil_login(client_of, correspondent, class_3e_a):
    """(username, one-time password) of Zoé Abel, the client signed out."""
    client = client_of(correspondent)
    abel = by_last_name(csv_rows(generate(client)))["Abel"]
    client.logout()
    return abel[3], abel[4]


@pytest.fixture
def signed_in_pupil(client, pupil_login):
    username, password = pupil_login
    response = client.post(reverse("account_login"), {"login": username, "password": password})
    assert response.status_code == 302
    return client


def first_password_url(next_url):
    return f"{reverse('first_password')}?next={next_url.replace('/', '%2F')}"


@pytest.mark.parametrize("path", ["/", "/orga/", "/orga/eleves/", "/mentions-legales/", "/compte/password/change/"])
def test_every_page_asks_for_a_new_password_first(signed_in_pupil, path):
    response = signed_in_pupil.get(path)

    assert response.status_code == 302
    assert response.url == first_password_url(path)


def test_signing_in_with_the_one_time_password_leads_to_the_new_password_page(client, pupil_login):
    username, password = pupil_login

    response = client.post(reverse("account_login"), {"login": username, "password": password}, follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("first_password"))
    assert "Choisissez votre mot de passe" in text(response)


def test_a_weak_new_password_is_refused(signed_in_pupil):
    response = signed_in_pupil.post(reverse("first_password"), {
        "new_password1": "abc", "new_password2": "abc", "next": "/",
    })

    assert response.status_code == 200
    assert "Votre mot de passe doit contenir 8 caractères au minimum" in text(response)
    assert User.objects.get(username="zoe.abel1403").must_change_password


def test_a_good_new_password_keeps_the_pupil_signed_in_and_goes_on(signed_in_pupil):
    response = signed_in_pupil.post(reverse("first_password"), {
        "new_password1": "Nouveau-Mdp-2026", "new_password2": "Nouveau-Mdp-2026", "next": "/mentions-legales/",
    })

    assert response.status_code == 302 and response.url == "/mentions-legales/"
    user = User.objects.get(username="zoe.abel1403")
    assert not user.must_change_password and user.check_password("Nouveau-Mdp-2026")
    assert int(signed_in_pupil.session["_auth_user_id"]) == user.pk
    assert signed_in_pupil.get("/mentions-legales/").status_code == 200
    assert signed_in_pupil.get("/").status_code == 200


def test_the_one_time_password_no_longer_works_after_the_change(client, signed_in_pupil, pupil_login):
    signed_in_pupil.post(reverse("first_password"), {
        "new_password1": "Nouveau-Mdp-2026", "new_password2": "Nouveau-Mdp-2026",
    })

    assert authenticate(username=pupil_login[0], password=pupil_login[1]) is None
    assert authenticate(username=pupil_login[0], password="Nouveau-Mdp-2026") is not None


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", ""])
def test_a_next_outside_the_site_falls_back_to_home(signed_in_pupil, next_url):
    response = signed_in_pupil.post(reverse("first_password"), {
        "new_password1": "Nouveau-Mdp-2026", "new_password2": "Nouveau-Mdp-2026", "next": next_url,
    })

    assert response.status_code == 302 and response.url == reverse("home")


def test_the_pupil_can_sign_out_before_changing_his_password(signed_in_pupil):
    response = signed_in_pupil.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in signed_in_pupil.session
    assert User.objects.get(username="zoe.abel1403").must_change_password


def test_the_new_password_page_needs_a_signed_in_user(client, db):
    response = client.get(reverse("first_password"))

    assert response.status_code == 302 and reverse("account_login") in response.url
