from .selectors import user_memberships

ORGA_NAMESPACES = {"orga", "campaigns", "analysis", "learners", "classes"}
LEARNER_VIEWS = {"learner_import", "learner_logins", "learner_logins_job", "learner_logins_download"}
TEAM_VIEWS = {
    "team_members", "team_invitations", "team_invite", "team_leave", "member_remove", "invitation_cancel",
}


def orga(request):
    """What the layout needs to know about the teacher space; no query outside of it."""
    match = request.resolver_match
    if match is None or match.namespace not in ORGA_NAMESPACES:
        return {"orga_space": False}
    section = "team" if match.url_name in TEAM_VIEWS else None
    if match.namespace in {"campaigns", "analysis"}:
        section = "campaigns"
    if match.namespace == "classes":
        section = "campaigns" if match.url_name.startswith("missing") or match.url_name == "questions" else "classes"
    if match.namespace == "learners" or match.url_name in LEARNER_VIEWS:
        section = "learners"
    context = {"orga_space": True, "orga_section": section}
    if getattr(request, "membership", None) is not None:
        context["has_several_organizations"] = lambda: user_memberships(request.user).count() > 1
    return context
