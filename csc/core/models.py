import hashlib
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .capabilities import AUDIT_VIEW, STAFF_MANAGE
from .identifiers import normalise_email
from .roles import CENTRE_ROLES, Role


class Federation(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("nom"), max_length=200)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=120, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("fédération")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Territory(models.Model):
    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="territories")
    slug = models.SlugField(unique=True)
    name = models.CharField(_("nom"), max_length=200)
    coordinating_centre = models.ForeignKey(
        "Centre", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("territoire")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CentreQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Centres the user works in, directly or through a territory or federation role."""
        from .tenancy import visible_centre_ids

        return self.filter(pk__in=visible_centre_ids(user))


def default_retention_months() -> int:
    return settings.CSC_DEFAULT_RETENTION_MONTHS


class Centre(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="centres")
    slug = models.SlugField(unique=True)
    name = models.CharField(_("nom"), max_length=200)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=120, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("site internet"), blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    in_qpv = models.BooleanField(_("en quartier prioritaire"), default=False)
    retention_months = models.PositiveSmallIntegerField(
        _("durée de conservation des données (mois)"),
        default=default_retention_months,
        help_text=_(
            "Sans activité pendant cette durée, les données d'une personne sont anonymisées automatiquement."
        ),
    )

    objects = CentreQuerySet.as_manager()

    class Meta:
        verbose_name = _("centre social")
        verbose_name_plural = _("centres sociaux")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def retention(self) -> timedelta:
        """The retention as a duration: months of 30 days, for people and for closed case periods alike."""
        return timedelta(days=30 * self.retention_months)


class Site(models.Model):
    """A place where a centre works: its main building, an annex, a tiers-lieu, a fablab."""

    class Kind(models.TextChoices):
        MAIN = "main", _("Siège")
        ANNEX = "annexe", _("Annexe")
        NEIGHBOURHOOD_HOUSE = "maison-de-quartier", _("Maison de quartier")
        THIRD_PLACE = "tiers-lieu", _("Tiers-lieu")
        FABLAB = "fablab", _("FabLab")

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, default=Kind.MAIN)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=120, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("site")
        ordering = ["centre", "name"]
        constraints = [models.UniqueConstraint(fields=["centre", "name"], name="site_unique_name_per_centre")]

    def __str__(self):
        return f"{self.name} ({self.centre})"


class Partner(models.Model):
    """An organisation the centres work with: CAF, town, CCAS, France Travail, schools…"""

    class Kind(models.TextChoices):
        CAF = "caf", _("CAF")
        TOWN = "ville", _("Ville")
        CCAS = "ccas", _("CCAS")
        EMPLOYMENT = "emploi", _("Emploi")
        ASSOCIATION = "association", _("Association")
        SCHOOL = "ecole", _("Établissement scolaire")
        OTHER = "autre", _("Autre")

    federation = models.ForeignKey(Federation, on_delete=models.CASCADE, related_name="partners")
    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, null=True, blank=True, related_name="partners"
    )
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(_("site internet"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    city = models.CharField(_("commune"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("partenaire")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        email = normalise_email(email)
        if not email:
            raise ValueError("Un compte a besoin d'une adresse e-mail.")
        user = self.model(email=email, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        """The account an address names, by exact equality on the normal form (csc.core.identifiers):
        never a case-insensitive comparison of the database's own, which folds letters differently."""
        return self.get(email=normalise_email(username))

    def for_identifier(self, typed: str | None):
        """The account the login would open for what was typed, or None."""
        email = normalise_email(typed)
        return self.filter(email=email).first() if email else None


class User(AbstractBaseUser, PermissionsMixin):
    """A staff member. Residents have no account in the foundation (signed links come later)."""

    email = models.EmailField(_("adresse e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("accès à l'administration technique"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Moves on whenever the account's roles or second-factor devices change: a session remembers those
    # (csc/core/tenancy.py) only as long as the stamp it saw is still the account's.
    security_stamp = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("compte")

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @classmethod
    def normalize_username(cls, username):
        # Model.clean() (the forms of the technical admin) stores the address in its normal form.
        return normalise_email(username) if isinstance(username, str) else username

    def save(self, *args, **kwargs):
        # Whatever wrote the address (a factory, a script, the shell): only the normal form is stored.
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)


class StaffRoleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)

    def visible_to(self, user):
        from .tenancy import centres_with

        return self.filter(centre_id__in=centres_with(user, STAFF_MANAGE))


class StaffRole(models.Model):
    """One role held by one staff member on one centre, one territory or the whole federation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices)
    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, null=True, blank=True, related_name="staff_roles"
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, null=True, blank=True, related_name="staff_roles"
    )
    federation = models.ForeignKey(
        Federation, on_delete=models.CASCADE, null=True, blank=True, related_name="staff_roles"
    )
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StaffRoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("rôle")
        constraints = [
            # Exactly one scope, and the one that fits the role.
            models.CheckConstraint(
                condition=(
                    Q(
                        centre__isnull=False,
                        territory__isnull=True,
                        federation__isnull=True,
                        role__in=CENTRE_ROLES,
                    )
                    | Q(
                        centre__isnull=True,
                        territory__isnull=False,
                        federation__isnull=True,
                        role=Role.TERRITORY_COORDINATOR,
                    )
                    | Q(
                        centre__isnull=True,
                        territory__isnull=True,
                        federation__isnull=False,
                        role=Role.FEDERATION,
                    )
                ),
                name="staffrole_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "centre"],
                condition=Q(centre__isnull=False),
                name="staffrole_one_role_per_centre",
            ),
            models.UniqueConstraint(
                fields=["user", "territory"],
                condition=Q(territory__isnull=False),
                name="staffrole_one_role_per_territory",
            ),
            models.UniqueConstraint(
                fields=["user", "federation"],
                condition=Q(federation__isnull=False),
                name="staffrole_one_role_per_federation",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.scope}"

    @property
    def scope(self):
        return self.centre or self.territory or self.federation

    def clean(self):
        scopes = [s for s in (self.centre_id, self.territory_id, self.federation_id) if s]
        if len(scopes) != 1:
            raise ValidationError(_("Un rôle porte sur un centre, un territoire ou la fédération, un seul."))


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Le journal ne se modifie pas.")

    def delete(self):
        raise PermissionError("Le journal ne s'efface pas.")

    def visible_to(self, user):
        from .tenancy import centres_with

        return self.filter(centre_id__in=centres_with(user, AUDIT_VIEW))

    def for_centre_journal(self, centre):
        """The centre's events, plus the account events (logins, second factor, tokens) of its staff,
        which belong to no centre."""
        staff = StaffRole.objects.filter(centre=centre).values("user_id")
        return self.filter(Q(centre=centre) | Q(centre__isnull=True, actor_id__in=staff))

    def people_removed(self, person_ids) -> set[int]:
        """Among `person_ids`, the people whose record was deleted (erased, or merged into another),
        as the journal itself says: their page is gone for everyone."""
        return set(
            self.filter(
                person_id__in=person_ids, object_type="people.person", action__in=["delete", "erase"]
            ).values_list("person_id", flat=True)
        )


class AuditEvent(models.Model):
    """One line of the append-only journal.

    It never holds personal data itself (no names, no values): ids and field names only, so that
    erasing a person leaves a journal that says what was done without saying about whom.
    References are plain ids without database constraints, so that deleting a person or an account
    never has to touch (update) a journal row.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # No `choices`: the actions are declared by the modules (csc.core.registry), so that a new one
    # needs no core migration. 60 characters leave room for a module's prefix ("module.long_action_name").
    action = models.CharField(max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    centre = models.ForeignKey(
        Centre, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement du journal")
        verbose_name_plural = _("journal")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["centre", "-at"]), models.Index(fields=["actor", "-at"])]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Le journal ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Le journal ne s'efface pas.")

    def get_action_display(self) -> str:
        """The action's French label, as its module declared it (the raw code if undeclared)."""
        from .registry import action_label

        return action_label(self.action)


class ApiToken(models.Model):
    """A personal access token. Only its hash is kept: the secret is shown once, at creation."""

    PREFIX = "csc_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom du jeton"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_secret(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self):
        return self.revoked_at is None


class OutboundMessage(models.Model):
    """One message the platform sent, or tries to send, to one recipient: what, to whom, when, through
    which channel, and whether it arrived at the provider. Written and read only through csc.core.notify.

    The object a message is about is named by a type and an id (« app_label.model », 42) rather than a
    foreign key, so that a module lists the messages of its objects without core knowing the module.
    Attachments are described, not stored: a builder's name and its arguments, built when sending so that
    a PDF is never rendered inside a request and the same file is not kept twice.
    """

    class Status(models.TextChoices):
        PENDING = "en_attente", _("En cours d'envoi")
        # Claimed by one worker, which is sending it now; no other worker may take it.
        SENDING = "envoi", _("En cours d'envoi")
        SENT = "envoye", _("Envoyé")
        FAILED = "echec", _("Échec de l'envoi")
        # The worker died while handing the message to the carrier: nobody can tell whether it left.
        # Never sent again by itself; staff check with the recipient, then resend if need be.
        UNCERTAIN = "incertain", _("Peut-être parti")

    channel = models.CharField(_("canal"), max_length=20, default="email")
    purpose = models.CharField(_("objet du message"), max_length=60)
    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, null=True, blank=True, related_name="outbound_messages"
    )
    recipient = models.CharField(_("destinataire"), max_length=254)
    subject = models.CharField(_("sujet"), max_length=255, blank=True)
    body = models.TextField(_("texte"), blank=True)
    html_body = models.TextField(_("texte HTML"), blank=True)
    reply_to = models.CharField(_("adresse de réponse"), max_length=254, blank=True)
    about_type = models.CharField(max_length=60, blank=True)
    about_id = models.BigIntegerField(null=True, blank=True)
    attachments = models.JSONField(default=list, blank=True)
    # A message that carries a login link: its text is not kept once the attempts are over, so that the
    # record of what was sent is not a way into somebody's account.
    secret = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The worker that claimed the message (empty when sent from outside a worker), and when the sending
    # reached the carrier: a worker that died before that moment sent nothing, so the message is tried
    # again; after it, the message may have left (csc.core.notify.recover_stalled).
    claimed_by = models.CharField(max_length=64, blank=True)
    handed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message envoyé")
        verbose_name_plural = _("messages envoyés")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The messages of one object (a request's e-mails on its page, its failures in the inbox).
            models.Index(fields=["about_type", "about_id", "status"], name="core_msg_about"),
            # The messages to one address in one centre (personal-data export and erasure).
            models.Index(fields=["centre", "recipient"], name="core_msg_recipient"),
            # The messages left waiting (the sweep that re-queues what a lost worker left behind).
            models.Index(fields=["status", "next_attempt_at"], name="core_msg_waiting"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient} : {self.subject}"

    def get_channel_display(self) -> str:
        return {"email": "e-mail", "sms": "SMS"}.get(self.channel, self.channel)


class WorkerHeartbeat(models.Model):
    """A task worker alive: it writes `beat_at` every few seconds (csc.core.heartbeat). A task or a
    message claimed by a worker whose heartbeat is older than the lease was interrupted, and is taken
    back (csc.core.worker); `/healthz` reports the freshest beat."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("travailleur de tâches")
        verbose_name_plural = _("travailleurs de tâches")

    def __str__(self):
        return f"{self.hostname}:{self.pid} ({self.worker_id})"


class Job(models.Model):
    """A long piece of work run by the task worker for one person (an export, an import, later an
    invoicing run or a campaign), with its progress and its result. Written only through csc.core.jobs.

    Only the person who asked sees it: the file holds the data of the centres they could read when they
    asked (`centre_ids`), which another member of the team may not. The file is written to the default
    storage once complete, under jobs/<id>/, and named here only then: a killed run leaves nothing to
    download, and the run that replaces it starts over.
    """

    class Status(models.TextChoices):
        QUEUED = "attente", _("En attente")
        RUNNING = "en_cours", _("En cours")
        DONE = "pret", _("Prêt")
        FAILED = "echec", _("Échec")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=60)
    label = models.CharField(_("travail"), max_length=200)
    parameters = models.JSONField(default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    # The centre the person worked in when asking (their messages are that centre's), and every centre
    # whose data the result holds.
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs")
    centre_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Each run draws a new token; a run that finds another token in the row has been replaced (its
    # worker was presumed dead) and writes nothing more.
    run_token = models.UUIDField(null=True, blank=True)
    # The worker's task, to tell a job whose task the worker gave up on (interrupted too many times).
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    step = models.CharField(max_length=120, blank=True)
    file_name = models.CharField(max_length=255, blank=True)  # in the default storage
    download_name = models.CharField(max_length=255, blank=True)
    mimetype = models.CharField(max_length=120, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("travail en arrière-plan")
        verbose_name_plural = _("travaux en arrière-plan")
        ordering = ["-created_at"]
        indexes = [
            # « Mes exports »: a person's jobs, newest first.
            models.Index(fields=["user", "-created_at"], name="core_job_user"),
            # The cleanup of expired files.
            models.Index(fields=["expires_at"], name="core_job_expires"),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("core:job_detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, self.progress_done * 100 // self.progress_total)
