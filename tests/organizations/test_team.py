from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from organizations.models import Invitation, Membership, Role, hash_invitation_token
from tests.factories import InvitationFactory, MembershipFactory, UserFactory
from tests.utils import text


def invite(client, emails, capture):
    with capture(execute=True):
        return client.post(reverse("orga:team_invite"), {"emails": emails})


def link_from_last_email():
    body = mail.outbox[-1].body
    return next(line for line in body.splitlines() if "/orga/rejoindre/" in line).strip()


class TestInviting:
    def test_correspondent_invites_several_teachers_at_once(
        self, client_of, correspondent, school, django_capture_on_commit_callbacks
    ):
        response = invite(
            client_of(correspondent), " prof1@college.test, PROF2@college.test,prof1@college.test ",
            django_capture_on_commit_callbacks,
        )

        assert response.status_code == 302
        assert sorted(Invitation.objects.values_list("email", flat=True)) == [
            "prof1@college.test", "prof2@college.test",
        ]
        assert sorted(m.to[0] for m in mail.outbox) == ["prof1@college.test", "prof2@college.test"]
        assert "Collège Victor Hugo" in mail.outbox[0].subject

    def test_one_invalid_address_invites_nobody(self, client_of, correspondent, django_capture_on_commit_callbacks):
        response = invite(client_of(correspondent), "prof1@college.test, pas-une-adresse", django_capture_on_commit_callbacks)

        assert response.status_code == 200
        assert "pas-une-adresse" in text(response)
        assert not Invitation.objects.exists()
        assert mail.outbox == []

    def test_inviting_a_current_member_is_refused(
        self, client_of, correspondent, teacher, django_capture_on_commit_callbacks
    ):
        response = invite(client_of(correspondent), teacher.email, django_capture_on_commit_callbacks)

        assert "Déjà membre de l'organisation" in text(response)
        assert not Invitation.objects.exists()

    def test_the_token_is_stored_hashed_only(self, client_of, correspondent, django_capture_on_commit_callbacks):
        invite(client_of(correspondent), "prof1@college.test", django_capture_on_commit_callbacks)

        token = link_from_last_email().rstrip("/").rsplit("/", 1)[-1]
        invitation = Invitation.objects.get()
        assert len(token) >= 43  # 32 random bytes, base64url
        assert invitation.token_hash == hash_invitation_token(token)
        stored = " ".join(str(value) for value in Invitation.objects.values_list().get())
        assert token not in stored

    def test_inviting_again_renews_the_pending_invitation(
        self, client_of, correspondent, django_capture_on_commit_callbacks
    ):
        client = client_of(correspondent)
        invite(client, "prof1@college.test", django_capture_on_commit_callbacks)
        first_link = link_from_last_email()
        invite(client, "prof1@college.test", django_capture_on_commit_callbacks)

        assert Invitation.objects.count() == 1
        old = client.get(first_link)
        assert old.status_code == 410 and "Cette invitation n'est plus valable" in text(old)
        assert client.get(link_from_last_email()).status_code == 200

    def test_pending_invitations_show_their_last_sending_date(self, client_of, correspondent, school):
        InvitationFactory(organization=school, email="prof9@college.test")

        page = text(client_of(correspondent).get(reverse("orga:team_invitations")))

        assert "prof9@college.test" in page
        assert "Date de dernier envoi" in page


class TestResendAndCancel:
    def test_resend_sends_a_new_link_and_kills_the_old_one(
        self, client_of, correspondent, school, django_capture_on_commit_callbacks
    ):
        invitation = InvitationFactory(
            organization=school, token="old-token", sent_at=timezone.now() - timedelta(days=2)
        )
        client = client_of(correspondent)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("orga:invitation_resend", args=[invitation.pk]))

        invitation.refresh_from_db()
        assert timezone.now() - invitation.sent_at < timedelta(minutes=1)
        assert client.get(reverse("orga:invitation", args=["old-token"])).status_code == 404
        assert len(mail.outbox) == 1

    def test_an_old_link_after_resend_says_it_is_no_longer_valid_and_whom_to_ask(
        self, client, client_of, correspondent, school, django_capture_on_commit_callbacks
    ):
        invite(client_of(correspondent), "prof1@college.test", django_capture_on_commit_callbacks)
        old_link = link_from_last_email()
        Invitation.objects.update(sent_at=timezone.now() - timedelta(minutes=5))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("orga:invitation_resend", args=[Invitation.objects.get().pk]))
        client.logout()

        response = client.get(old_link)

        page = text(response)
        assert response.status_code == 410 and "Cette invitation n'est plus valable" in page
        assert "adressez-vous à l'administrateur de l'espace Pix Orga de Collège Victor Hugo :" in page
        assert "<li>Claire Dupont</li>" in page
        assert client.get(link_from_last_email()).status_code == 200

    def test_a_cancelled_invitation_names_the_schools_administrators(self, client, correspondent, school):
        InvitationFactory(organization=school, token="tok", status=Invitation.Status.CANCELLED)
        MembershipFactory(organization=school, role=Role.ADMIN, user=UserFactory(first_name="Zoé", last_name="Zola"))

        page = text(client.get(reverse("orga:invitation", args=["tok"])))

        assert "l'un des administrateurs de l'espace Pix Orga de Collège Victor Hugo" in page
        assert page.index("Claire Dupont") < page.index("Zoé Zola")

    def test_a_forged_link_names_nobody(self, client, correspondent, school):
        forged = f"{school.pk}.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG:not-our-signature"

        response = client.get(reverse("orga:invitation", args=[forged]))

        assert response.status_code == 404 and "Cette invitation n'est plus valable" in text(response)
        assert "Claire Dupont" not in text(response)

    def test_resending_twice_within_a_minute_is_refused(self, client_of, correspondent, school):
        invitation = InvitationFactory(organization=school)

        response = client_of(correspondent).post(
            reverse("orga:invitation_resend", args=[invitation.pk]), follow=True
        )

        assert "Réessayez dans une minute" in text(response)

    def test_cancel_asks_for_confirmation_then_invalidates_the_link(self, client_of, correspondent, school, client):
        invitation = InvitationFactory(organization=school, token="tok")
        client_of(correspondent)
        url = reverse("orga:invitation_cancel", args=[invitation.pk])

        assert "Oui, supprimer l'invitation" in text(client.get(url))
        client.post(url)
        client.logout()
        response = client.get(reverse("orga:invitation", args=["tok"]))

        assert response.status_code == 410
        assert "Cette invitation n'est plus valide" in text(response)


class TestJoining:
    def test_an_invited_teacher_signs_up_and_lands_in_the_school(self, client, school):
        InvitationFactory(organization=school, email="prof@college.test", token="tok")
        url = reverse("orga:invitation", args=["tok"])

        assert "Vous êtes invité(e) à rejoindre l'organisation Collège Victor Hugo" in text(client.get(url))
        response = client.post(reverse("orga:invitation_signup", args=["tok"]), {
            "first_name": "Rosa", "last_name": "Parks",
            "password": "Motdepasse1", "accept_terms": "on",
        })

        assert response.status_code == 302 and response.url == reverse("orga:home")
        membership = Membership.objects.get(user__email="prof@college.test")
        assert membership.organization == school
        assert membership.role == Role.ADMIN  # the first member of a school becomes its admin
        assert Invitation.objects.get().status == Invitation.Status.ACCEPTED
        assert "Collège Victor Hugo" in text(client.get(reverse("orga:home")))

    def test_an_invitation_joins_as_member_when_the_school_has_an_admin(self, client, correspondent, school):
        InvitationFactory(organization=school, email="prof@college.test", token="tok")
        client.post(reverse("orga:invitation_signup", args=["tok"]), {
            "first_name": "Rosa", "last_name": "Parks",
            "password": "Motdepasse1", "accept_terms": "on",
        })

        assert Membership.objects.get(user__email="prof@college.test").role == Role.MEMBER

    def test_a_weak_password_is_refused_and_nothing_is_created(self, client, school):
        InvitationFactory(organization=school, email="prof@college.test", token="tok")
        response = client.post(reverse("orga:invitation_signup", args=["tok"]), {
            "first_name": "Rosa", "last_name": "Parks",
            "password": "court", "accept_terms": "on",
        })

        assert "une majuscule, une minuscule et un chiffre" in text(response)
        assert not Membership.objects.exists()
        assert Invitation.objects.get().status == Invitation.Status.PENDING

    def test_an_existing_account_accepts_while_signed_in(self, client_of, school):
        user = UserFactory(email="prof@college.test")
        InvitationFactory(organization=school, email="prof@college.test", token="tok")

        response = client_of(user).post(reverse("orga:invitation_accept", args=["tok"]))

        assert response.status_code == 302
        assert Membership.objects.filter(user=user, organization=school).exists()

    def test_an_invitation_cannot_be_used_by_another_address(self, client_of, school):
        intruder = UserFactory(email="intrus@example.test")
        InvitationFactory(organization=school, email="prof@college.test", token="tok")

        response = client_of(intruder).post(reverse("orga:invitation_accept", args=["tok"]))

        assert "une autre adresse e-mail" in text(response)
        assert not Membership.objects.filter(user=intruder).exists()

    def test_a_used_invitation_cannot_be_used_again(self, client, school):
        InvitationFactory(organization=school, email="prof@college.test", token="tok", status=Invitation.Status.ACCEPTED)

        response = client.get(reverse("orga:invitation", args=["tok"]))

        assert response.status_code == 410
        assert "Cette invitation a déjà été acceptée" in text(response)

    def test_an_invitation_expires_after_seven_days(self, client, school):
        InvitationFactory(organization=school, token="tok", sent_at=timezone.now() - timedelta(days=7, minutes=1))

        response = client.get(reverse("orga:invitation", args=["tok"]))

        assert response.status_code == 410
        assert "Cette invitation a expiré" in text(response)

    def test_an_unknown_token_is_a_404_in_french(self, client, db):
        response = client.get(reverse("orga:invitation", args=["nope"]))

        assert response.status_code == 404 and "Cette invitation n'est plus valable" in text(response)

    def test_signing_up_with_an_address_already_registered_asks_to_sign_in(self, client, school):
        UserFactory(email="prof@college.test")
        InvitationFactory(organization=school, email="prof@college.test", token="tok")

        response = client.post(reverse("orga:invitation_signup", args=["tok"]), {
            "first_name": "Rosa", "last_name": "Parks",
            "password": "Motdepasse1", "accept_terms": "on",
        })

        assert "Cette adresse e-mail est déjà enregistrée, connectez-vous." in text(response)
        assert not Membership.objects.exists()


class TestMembers:
    def test_correspondent_changes_a_teacher_role(self, client_of, correspondent, teacher):
        client_of(correspondent).post(
            reverse("orga:member_role", args=[teacher.memberships.get().pk]), {"role": "ADMIN"}
        )

        assert teacher.memberships.get().role == Role.ADMIN

    def test_the_last_admin_cannot_be_demoted(self, client_of, correspondent, school):
        other_admin = MembershipFactory(organization=school, role=Role.ADMIN)
        client_of(other_admin.user).post(
            reverse("orga:member_role", args=[other_admin.pk]), {"role": "MEMBER"}
        )
        client = client_of(correspondent)
        response = client.post(
            reverse("orga:member_role", args=[correspondent.memberships.get().pk]), {"role": "MEMBER"}, follow=True
        )

        assert "au moins un administrateur" in text(response)
        assert correspondent.memberships.get().role == Role.ADMIN

    def test_removing_a_member_asks_for_confirmation_and_revokes_access(self, client, client_of, correspondent, teacher):
        url = reverse("orga:member_remove", args=[teacher.memberships.get().pk])
        client_of(correspondent)

        assert "Oui, supprimer le membre" in text(client.get(url))
        client.post(url)
        client_of(teacher)

        assert teacher.memberships.get().disabled_at is not None
        assert client.get(reverse("orga:home")).status_code == 403

    def test_a_teacher_leaves_the_school(self, client_of, teacher, correspondent):
        client = client_of(teacher)
        client.post(reverse("orga:team_leave"))

        assert client.get(reverse("orga:home")).status_code == 403

    def test_the_only_admin_cannot_leave(self, client_of, correspondent):
        client_of(correspondent).post(reverse("orga:team_leave"))

        assert correspondent.memberships.get().disabled_at is None

    def test_members_list_is_visible_to_every_member(self, client_of, teacher, correspondent):
        page = text(client_of(teacher).get(reverse("orga:team_members")))

        assert "Dupont" in page and "Lefèvre" in page
        assert "Inviter un membre" not in page


class TestAccess:
    @pytest.fixture
    def team_urls(self, school, teacher):
        invitation = InvitationFactory(organization=school)
        membership = teacher.memberships.get()
        return {
            "orga:team_invitations": [],
            "orga:team_invite": [],
            "orga:member_role": [membership.pk],
            "orga:member_remove": [membership.pk],
            "orga:invitation_resend": [invitation.pk],
            "orga:invitation_cancel": [invitation.pk],
        }

    def test_a_member_cannot_manage_the_team(self, client_of, teacher, team_urls):
        client = client_of(teacher)
        for name, args in team_urls.items():
            url = reverse(name, args=args)
            assert client.post(url).status_code == 403, url
            if name not in ("orga:member_role", "orga:invitation_resend"):
                assert client.get(url).status_code == 403, url

    def test_a_user_of_another_school_gets_404_on_every_team_url_with_an_id(
        self, client_of, teacher_of_another_school, team_urls
    ):
        client = client_of(teacher_of_another_school)
        for name, args in team_urls.items():
            if args:
                assert client.post(reverse(name, args=args)).status_code == 404, name

    def test_an_anonymous_visitor_is_sent_to_the_orga_login(self, client, db):
        response = client.get(reverse("orga:team_members"))

        assert response.status_code == 302
        assert response.url.startswith(reverse("orga:login"))

    def test_a_user_without_membership_is_refused_at_the_orga_login(self, client, student):
        response = client.post(reverse("orga:login"), {"login": student.email, "password": "Pix-Test-2026"})

        assert "L'accès à Pix Orga est limité aux membres invités" in text(response)
        assert "_auth_user_id" not in client.session

    def test_a_member_signs_in_to_the_orga_space(self, client, teacher):
        response = client.post(reverse("orga:login"), {"login": "PROF@college.test", "password": "Pix-Test-2026"})

        assert response.status_code == 302 and response.url == reverse("orga:home")

    def test_a_user_without_membership_sees_the_real_refusal_in_the_orga_space(self, client_of, student):
        response = client_of(student).get(reverse("orga:home"))

        assert response.status_code == 403
        assert "L'accès à Pix Orga est limité aux membres invités" in text(response)


class TestSwitchingOrganization:
    def test_a_teacher_of_two_schools_switches_between_them(self, client_of, teacher, other_school):
        MembershipFactory(organization=other_school, user=teacher)
        client = client_of(teacher)
        first = text(client.get(reverse("orga:home")))
        assert "Changer d'organisation" in first

        client.post(reverse("orga:switch"), {"organization": other_school.pk})

        assert "Lycée Marie Curie" in text(client.get(reverse("orga:home")))

    def test_switching_to_a_school_one_does_not_belong_to_is_a_404(self, client_of, teacher, other_school):
        response = client_of(teacher).post(reverse("orga:switch"), {"organization": other_school.pk})

        assert response.status_code == 404


class TestQueryCounts:
    @pytest.mark.parametrize("extra_members", [1, 25])
    def test_the_members_page_costs_the_same_whatever_the_team_size(
        self, client_of, correspondent, school, extra_members, django_assert_max_num_queries
    ):
        for _ in range(extra_members):
            MembershipFactory(organization=school)
        client = client_of(correspondent)
        # session, user, current membership, members, pending invitations count,
        # "several organizations?" count
        with django_assert_max_num_queries(7):
            assert client.get(reverse("orga:team_members")).status_code == 200

    @pytest.mark.parametrize("invitations", [1, 25])
    def test_the_invitations_page_costs_the_same_whatever_their_number(
        self, client_of, correspondent, school, invitations, django_assert_max_num_queries
    ):
        InvitationFactory.create_batch(invitations, organization=school)
        client = client_of(correspondent)
        with django_assert_max_num_queries(7):
            assert client.get(reverse("orga:team_invitations")).status_code == 200


def test_the_invitation_email_states_its_validity(client_of, correspondent, django_capture_on_commit_callbacks):
    invite(client_of(correspondent), "prof1@college.test", django_capture_on_commit_callbacks)

    assert "valable 7 jours et utilisable une seule fois" in mail.outbox[0].body
