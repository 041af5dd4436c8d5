"""The journal: who did what, when, on which centre and which person.

Two ways in:
- `record(...)` for events a service knows about (login, export, merge, role change…);
- models registered with `audited(...)` are journaled on every create, update and delete, whatever code
  path changes them (views, API, admin, shell), through Django's signals. The actor comes from the
  request (middleware) or from `acting_as(user)` in commands and tasks.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models.signals import post_delete, post_save

_actor: contextvars.ContextVar = contextvars.ContextVar("csc_actor", default=None)
_ip: contextvars.ContextVar = contextvars.ContextVar("csc_ip", default=None)


def set_actor(user, ip: str | None = None):
    _actor.set(user if getattr(user, "is_authenticated", False) else None)
    if ip is not None:
        _ip.set(ip)


def current_actor():
    return _actor.get()


@contextlib.contextmanager
def acting_as(user, ip: str | None = None):
    actor_token = _actor.set(user)
    ip_token = _ip.set(ip)
    try:
        yield
    finally:
        _actor.reset(actor_token)
        _ip.reset(ip_token)


def record(
    action: str,
    *,
    centre=None,
    obj=None,
    person_id=None,
    detail: str = "",
    actor=None,
    ip=None,
    object_type: str = "",
    object_id: str = "",
):
    """Append one event to the journal. Never pass personal data in `detail`: ids and field names only."""
    from .models import AuditEvent

    actor = actor if actor is not None else current_actor()
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        centre_id=centre if isinstance(centre, int) or centre is None else centre.pk,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else object_id,
        person_id=person_id,
        detail=detail[:500],
        ip_address=ip if ip is not None else _ip.get(),
    )


@dataclass(frozen=True)
class AuditSpec:
    centre_of: Callable[[models.Model], int | None]
    person_of: Callable[[models.Model], int | None]


_registry: dict[type[models.Model], AuditSpec] = {}


class ChangeTrackingMixin:
    """Remembers the values loaded from the database so the journal can name the fields that changed."""

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values, strict=False))
        return instance

    def changed_fields(self) -> list[str]:
        loaded = getattr(self, "_loaded_values", None)
        if loaded is None:
            return []
        changed = []
        for field in self._meta.concrete_fields:
            if field.attname in loaded and loaded[field.attname] != getattr(self, field.attname):
                changed.append(field.name)
        return changed

    def refresh_loaded_values(self):
        self._loaded_values = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}


IGNORED_FIELDS = {"updated_at", "search_name", "last_activity_at"}


def audited(*, centre_of=None, person_of=None):
    """Class decorator: journal every create, update and delete of this model of personal data."""

    def decorator(model):
        _registry[model] = AuditSpec(
            centre_of=centre_of or (lambda obj: getattr(obj, "centre_id", None)),
            person_of=person_of or (lambda obj: None),
        )
        post_save.connect(_on_save, sender=model, dispatch_uid=f"audit-save-{model.__name__}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"audit-delete-{model.__name__}")
        return model

    return decorator


def _on_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    spec = _registry[sender]
    if created:
        action, detail = "create", ""
    else:
        fields = [f for f in instance.changed_fields() if f not in IGNORED_FIELDS]
        if not fields and getattr(instance, "_loaded_values", None) is not None:
            return  # saved without a change: nothing happened to the person's data
        action, detail = "update", ("champs : " + ", ".join(fields)) if fields else ""
    record(
        action,
        centre=spec.centre_of(instance),
        obj=instance,
        person_id=spec.person_of(instance),
        detail=detail,
    )
    if hasattr(instance, "refresh_loaded_values"):
        instance.refresh_loaded_values()


def _on_delete(sender, instance, **kwargs):
    spec = _registry[sender]
    record("delete", centre=spec.centre_of(instance), obj=instance, person_id=spec.person_of(instance))
