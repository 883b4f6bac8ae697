"""The référentiel's database copy. The source of truth is `content/` (see its README):
these rows are written only by the loader, and ids are the files' stable string ids so that
answers and knowledge elements keep pointing at the same skill across releases."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    code = models.CharField(_("code"), max_length=2, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    color = models.CharField(_("couleur"), max_length=40)

    class Meta:
        verbose_name = _("domaine")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code}. {self.title}"


class Competence(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    index = models.CharField(_("index"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="competences")

    class Meta:
        verbose_name = _("compétence")
        ordering = ["index"]

    def __str__(self):
        return f"{self.index} {self.name}"


class Tube(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    name = models.CharField(_("nom"), max_length=100, unique=True)
    practical_title = models.CharField(_("titre pratique"), max_length=200)
    practical_description = models.TextField(_("description pratique"), blank=True)
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="tubes")
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("sujet")
        ordering = ["competence__index", "name"]

    def __str__(self):
        return f"{self.name} – {self.practical_title}"


class Tutorial(models.Model):
    id = models.CharField(primary_key=True, max_length=100)
    title = models.CharField(_("titre"), max_length=300)
    link = models.URLField(_("lien"), max_length=500)
    source = models.CharField(_("source"), max_length=200)
    format = models.CharField(_("format"), max_length=30)
    duration = models.DurationField(_("durée"))

    class Meta:
        verbose_name = _("tutoriel")
        ordering = ["title"]

    def __str__(self):
        return self.title


class Skill(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    name = models.CharField(_("nom"), max_length=100, unique=True)
    level = models.PositiveSmallIntegerField(_("niveau"))
    pix_value = models.FloatField(_("valeur en pix"))
    hint = models.CharField(_("indice"), max_length=300, blank=True)
    tube = models.ForeignKey(Tube, on_delete=models.PROTECT, related_name="skills")
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="skills")
    tutorials = models.ManyToManyField(Tutorial, related_name="skills", blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("acquis")
        verbose_name_plural = _("acquis")
        ordering = ["tube__name", "level"]

    def __str__(self):
        return self.name


class Challenge(models.Model):
    class Type(models.TextChoices):
        QCU = "QCU", "QCU"
        QCM = "QCM", "QCM"
        QROC = "QROC", "QROC"
        QROCM_IND = "QROCM-ind", "QROCM-ind"
        QROCM_DEP = "QROCM-dep", "QROCM-dep"

    class Status(models.TextChoices):
        VALIDATED = "validé", _("validé")
        ARCHIVED = "archivé", _("archivé")
        OBSOLETE = "périmé", _("périmé")

    id = models.CharField(primary_key=True, max_length=64)
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="challenges")
    type = models.CharField(max_length=10, choices=Type.choices)
    instruction = models.TextField(_("consigne"))
    # QCU/QCM: proposals; QROC: one input; QROCM: [{key, label, options?}].
    proposals = models.JSONField(default=list, blank=True)
    inputs = models.JSONField(default=list, blank=True)
    # QCU: int; QCM: [int]; QROC: [variants]; QROCM: {key: [variants]}.
    solution = models.JSONField()
    tolerances = models.JSONField(default=list, blank=True)
    format = models.CharField(max_length=20, blank=True)
    timer = models.PositiveIntegerField(null=True, blank=True)
    illustration_src = models.CharField(max_length=300, blank=True)
    # A text alternative holds everything the picture tells (a pupil must be able to answer from it).
    illustration_alt = models.TextField(blank=True)
    # A file to open, built from this table: {name, description, rows} (learning_content.attachments).
    attachment = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VALIDATED)

    class Meta:
        verbose_name = _("épreuve")
        ordering = ["id"]

    def __str__(self):
        return f"{self.id} ({self.type})"


class TargetProfile(models.Model):
    class Category(models.TextChoices):
        BACK_TO_SCHOOL = "BACK_TO_SCHOOL", _("Parcours de rentrée")
        COMPETENCES = "COMPETENCES", _("Les 16 compétences")
        SUBJECT = "SUBJECT", _("Thématiques")
        DISCIPLINE = "DISCIPLINE", _("Disciplinaires")
        TARGETED = "TARGETED", _("Parcours ciblés")
        CUSTOM = "CUSTOM", _("Parcours sur-mesure")
        OTHER = "OTHER", _("Autres")

    id = models.CharField(primary_key=True, max_length=64)
    name = models.CharField(_("nom"), max_length=200)
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"), blank=True)
    is_outdated = models.BooleanField(_("obsolète"), default=False)
    are_knowledge_elements_resettable = models.BooleanField(_("remise à zéro"), default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("profil cible")
        ordering = ["category", "position", "name"]

    def __str__(self):
        return self.name


class TargetProfileTube(models.Model):
    """A capped tube: the tube's skills up to `level` belong to the target profile."""

    target_profile = models.ForeignKey(TargetProfile, on_delete=models.CASCADE, related_name="capped_tubes")
    tube = models.ForeignKey(Tube, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target_profile", "tube"], name="target_profile_tube_unique"),
        ]


class Stage(models.Model):
    target_profile = models.ForeignKey(TargetProfile, on_delete=models.CASCADE, related_name="stages")
    threshold = models.PositiveSmallIntegerField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    # Pix's `isFirstSkill`: reached with one validated skill, it has neither threshold nor level.
    is_first_skill = models.BooleanField(_("premier acquis"), default=False)
    title = models.CharField(_("titre"), max_length=200)
    message = models.TextField(_("message"))
    prescriber_title = models.CharField(_("titre pour le prescripteur"), max_length=200, blank=True)
    prescriber_description = models.TextField(_("description pour le prescripteur"), blank=True)

    class Meta:
        verbose_name = _("palier")
        ordering = ["target_profile", "threshold", "level"]


class Badge(models.Model):
    """A « résultat thématique » of a parcours, won at completion when all its criteria are met.
    The key is the badge's stable id: acquisitions point to it."""

    key = models.CharField(primary_key=True, max_length=64)
    target_profile = models.ForeignKey(TargetProfile, on_delete=models.CASCADE, related_name="badges")
    title = models.CharField(_("titre"), max_length=200)
    message = models.TextField(_("message"))
    image_src = models.CharField(_("image"), max_length=300)
    alt_message = models.TextField(_("alternative textuelle"))
    is_certifiable = models.BooleanField(_("certifiant"), default=False)
    is_always_visible = models.BooleanField(_("toujours visible"), default=False)
    position = models.PositiveIntegerField(default=0)
    # [{"scope": "CampaignParticipation" | "CappedTubes", "threshold": 0..100, "name": str,
    #   "capped_tubes": [{"tube_id", "level"}]}]: read only with the badge, never queried.
    criteria = models.JSONField(default=list)

    class Meta:
        verbose_name = _("badge")
        ordering = ["target_profile", "position"]

    def __str__(self):
        return self.title


class ContentRelease(models.Model):
    """One row: the version (hash of the files) of the loaded référentiel."""

    version = models.CharField(max_length=64)
    loaded_at = models.DateTimeField()
    summary = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("version du référentiel")
