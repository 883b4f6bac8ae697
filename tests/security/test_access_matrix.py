"""Every URL that takes an id, a code or a token, for every kind of visitor.

Outsiders get 404 (never 403: an id of another school must not even be confirmed), pupils
never reach the teacher space, members cannot manage what only owners and admins may.
A new URL with a parameter and no entry here fails `test_every_parameterized_url_is_in_the_matrix`.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from analysis.models import ExportJob
from assessments.models import Assessment
from learning_content.models import TargetProfile
from lib.sealed import seal
from organizations.models import LearnerImport, LoginGeneration, Membership, Role
from sso.models import OidcProvider
from tests.factories import (
    CampaignFactory,
    InvitationFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipationFactory,
    UserFactory,
)

ROLES = ["anonymous", "student", "member", "owner", "admin", "other_school"]
EXCLUDED_NAMESPACES = {"admin"}
# allauth's own pages (password reset keys, e-mail confirmation) are covered by its tests.
EXCLUDED_NAMES = {"account_reset_password_from_key", "account_confirm_email", "account_reset_password_from_key_done"}

LOGIN, FORBIDDEN, NOT_FOUND, OK = "login", "forbidden", "not_found", "ok"


def orga(member=OK, owner=OK, admin=OK):
    """A teacher-space URL: pupils are refused, other schools see nothing."""
    return {"anonymous": LOGIN, "student": FORBIDDEN, "member": member, "owner": owner, "admin": admin,
            "other_school": NOT_FOUND}


def admin_only():
    return orga(member=FORBIDDEN, owner=FORBIDDEN)


def manage():
    return orga(member=FORBIDDEN)


def pupil_own():
    """A pupil's own test: only him."""
    return {"anonymous": LOGIN, "student": OK, "member": NOT_FOUND, "owner": NOT_FOUND, "admin": NOT_FOUND,
            "other_school": NOT_FOUND}


def pupil_code(anonymous=LOGIN):
    """Campaign pages reached with the code: any signed-in person may join."""
    return {"anonymous": anonymous, "student": OK, "member": OK, "owner": OK, "admin": OK, "other_school": OK}


# name: (method, kwargs builder, expected per role)
MATRIX = {
    "orga:invitation": ("get", lambda w: {"token": w.token}, {role: OK for role in ROLES}),
    "orga:invitation_signup": ("post", lambda w: {"token": w.token}, {role: OK for role in ROLES}),
    "orga:invitation_accept": ("post", lambda w: {"token": w.token}, {role: OK for role in ROLES}),
    "orga:member_role": ("post", lambda w: {"membership_id": w.member_membership.pk}, admin_only()),
    "orga:member_remove": ("get", lambda w: {"membership_id": w.member_membership.pk}, admin_only()),
    "orga:invitation_resend": ("post", lambda w: {"invitation_id": w.invitation.pk}, admin_only()),
    "orga:invitation_cancel": ("get", lambda w: {"invitation_id": w.invitation.pk}, admin_only()),
    "campaigns:settings": ("get", lambda w: {"campaign_id": w.campaign.pk}, orga()),
    "campaigns:edit": ("get", lambda w: {"campaign_id": w.campaign.pk}, manage()),
    "campaigns:archive": ("post", lambda w: {"campaign_id": w.campaign.pk}, manage()),
    "campaigns:unarchive": ("post", lambda w: {"campaign_id": w.campaign.pk}, manage()),
    "campaigns:divisions": ("get", lambda w: {"campaign_id": w.campaign.pk}, manage()),
    "classes:detail": ("get", lambda w: {"division": "3e A"}, orga()),
    "classes:missing": ("get", lambda w: {"campaign_id": w.campaign.pk}, orga()),
    "classes:missing_sheet": ("get", lambda w: {"campaign_id": w.campaign.pk}, orga()),
    "classes:questions": ("get", lambda w: {"campaign_id": w.evaluation.pk}, orga()),
    "classes:report": ("get", lambda w: {"campaign_id": w.evaluation.pk}, orga()),
    "classes:report_csv": ("get", lambda w: {"campaign_id": w.evaluation.pk}, orga()),
    "analysis:activity": ("get", lambda w: {"campaign_id": w.campaign.pk}, orga()),
    "analysis:results": ("get", lambda w: {"campaign_id": w.campaign.pk}, orga()),
    "analysis:analysis": ("get", lambda w: {"campaign_id": w.evaluation.pk}, orga()),
    "analysis:participant": ("get", lambda w: {"campaign_id": w.campaign.pk, "participation_id": w.participation.pk},
                             orga()),
    "analysis:participation_delete": (
        "get", lambda w: {"campaign_id": w.campaign.pk, "participation_id": w.participation.pk}, manage()),
    "exports:start": ("post", lambda w: {"campaign_id": w.campaign.pk}, orga()),
    "exports:status": ("get", lambda w: {"campaign_id": w.campaign.pk, "job_id": w.export_job.pk}, orga()),
    "exports:download": ("get", lambda w: {"campaign_id": w.campaign.pk, "job_id": w.export_job.pk}, orga()),
    "participations:entry": ("get", lambda w: {"code": w.campaign.code}, pupil_code(anonymous=OK)),
    "participations:start": ("post", lambda w: {"code": w.campaign.code}, pupil_code()),
    "participations:external_id": ("get", lambda w: {"code": w.campaign.code}, pupil_code()),
    "participations:identify": ("get", lambda w: {"code": w.campaign.code}, pupil_code()),
    "participations:associate": ("get", lambda w: {"code": w.campaign.code}, pupil_code()),
    "learners:detail": ("get", lambda w: {"learner_id": w.participation.organization_learner_id}, orga()),
    "learners:delete": ("get", lambda w: {"learner_id": w.participation.organization_learner_id}, admin_only()),
    "orga:learner_logins_job": ("get", lambda w: {"job_id": w.login_job.pk}, admin_only()),
    "orga:learner_import_confirm": ("post", lambda w: {"job_id": w.import_job.pk}, admin_only()),
    "orga:learner_import_cancel": ("post", lambda w: {"job_id": w.import_job.pk}, admin_only()),
    "orga:learner_logins_download": ("get", lambda w: {"job_id": w.login_job.pk}, admin_only()),
    "participations:results": ("get", lambda w: {"code": w.evaluation.code}, pupil_code()),
    "participations:improve": ("post", lambda w: {"code": w.evaluation.code}, pupil_code()),
    "participations:retry": ("post", lambda w: {"code": w.campaign.code}, pupil_code()),
    "participations:reset": ("get", lambda w: {"code": w.evaluation.code}, pupil_code()),
    "participations:send_profile": ("get", lambda w: {"code": w.campaign.code}, pupil_code()),
    "assessments:challenge": ("get", lambda w: {"assessment_id": w.assessment.pk}, pupil_own()),
    "assessments:start_timer": ("post", lambda w: {"assessment_id": w.assessment.pk}, pupil_own()),
    "assessments:checkpoint": ("get", lambda w: {"assessment_id": w.assessment.pk}, pupil_own()),
    # This world asks no question: the file is refused to its pupil too (the pupil on that
    # question gets it: tests/assessments/test_answering.py).
    "assessments:attachment": ("get", lambda w: {"assessment_id": w.assessment.pk, "filename": "releves.csv"},
                               {**pupil_own(), "student": NOT_FOUND}),
    "assessments:competence_evaluate": ("post", lambda w: {"competence_id": "comp-1.1"}, pupil_code()),
    "assessments:competence_result": ("get", lambda w: {"competence_id": "comp-1.1"}, pupil_code()),
    # Sign-in through a provider is for anyone; a provider not enabled does not exist.
    "sso:oidc_login": ("get", lambda w: {"slug": w.disabled_provider.slug}, {role: NOT_FOUND for role in ROLES}),
    "sso:oidc_callback": ("get", lambda w: {"slug": w.disabled_provider.slug}, {role: NOT_FOUND for role in ROLES}),
}


def parameterized_url_names():
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in EXCLUDED_NAMESPACES:
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif (isinstance(pattern, URLPattern) and pattern.name and pattern.pattern.converters
                  and pattern.name not in EXCLUDED_NAMES):
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_parameterized_url_is_in_the_matrix():
    missing = parameterized_url_names() - set(MATRIX)
    assert not missing, f"add these URLs to the access matrix: {sorted(missing)}"


class World:
    pass


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = World()
    school = OrganizationFactory(name="Collège A", is_managing_students=True)
    w.admin = UserFactory()
    MembershipFactory(organization=school, user=w.admin, role=Role.ADMIN)
    w.owner = UserFactory()
    MembershipFactory(organization=school, user=w.owner, role=Role.MEMBER)
    w.member = UserFactory()
    w.member_membership = MembershipFactory(organization=school, user=w.member, role=Role.MEMBER)
    w.other_school = UserFactory()
    MembershipFactory(organization=OrganizationFactory(name="Lycée B"), user=w.other_school, role=Role.ADMIN)
    w.student = UserFactory()
    w.campaign = CampaignFactory(organization=school, creator=w.owner, external_id_label="INE",
                                 external_id_type="STRING")
    w.evaluation = CampaignFactory(organization=school, creator=w.owner, type="ASSESSMENT",
                                   target_profile=TargetProfile.objects.create(id="tp-x", name="X", category="OTHER"))
    w.assessment = Assessment.objects.create(user=w.student, type="CAMPAIGN", target_profile_id="tp-x",
                                             end_path="/")
    w.participation = ParticipationFactory(campaign=w.campaign, user=w.student, status="TO_SHARE")
    w.participation.organization_learner.division = "3e A"
    w.participation.organization_learner.save()
    w.export_job = ExportJob.objects.create(campaign=w.campaign, requested_by=w.owner, status="done",
                                            requested_at=timezone.now(), filename="Resultats.csv")
    w.export_job.file.save("resultats.csv", ContentFile(b"\xef\xbb\xbfNom;Prenom\n"))
    w.login_job = LoginGeneration.objects.create(organization=school, division="3e A", status="done",
                                                 requested_at=timezone.now(), finished_at=timezone.now(),
                                                 data=seal(b"Classe;Nom", purpose="learner-logins"))
    w.import_job = LearnerImport.objects.create(organization=school, created_by=w.admin, filename="eleves.xml",
                                                data=b"<xml/>", status=LearnerImport.Status.PREVIEWED,
                                                preview={"digest": "", "active": 0, "added": 0, "updated": 0,
                                                         "leaving": 0})
    w.invitation = InvitationFactory(organization=school)
    w.disabled_provider = OidcProvider.objects.create(slug="ent-ferme", name="ENT fermé", enabled=False,
                                                      discovery_url="https://ent.test/", client_id="x")
    w.token = "jeton-de-la-matrice"
    InvitationFactory(organization=school, token=w.token)
    return w


def classify(response):
    assert response.status_code < 500
    if response.status_code == 302 and any(
        response.url.startswith(path) for path in ("/compte/login/", "/orga/connexion/")
    ):
        return LOGIN
    return {403: FORBIDDEN, 404: NOT_FOUND}.get(response.status_code, OK)


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_access(client, world, name, role):
    method, build, expected = MATRIX[name]
    if role != "anonymous":
        client.force_login(getattr(world, role))
        if role in ("member", "owner", "admin"):
            assert Membership.objects.filter(user=getattr(world, role)).exists()
    url = reverse(name, kwargs=build(world))

    response = getattr(client, method)(url)

    assert classify(response) == expected[role], f"{method.upper()} {url} as {role}: {response.status_code}"
