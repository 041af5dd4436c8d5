"""Plannings of Anim'connect, on their way to one module per concern (see the next commit)."""

from .review import *  # noqa: F403
