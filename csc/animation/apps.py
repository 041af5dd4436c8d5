from django.apps import AppConfig


class AnimationConfig(AppConfig):
    name = "csc.animation"
    label = "animation"
    verbose_name = "Anim'connect"

    def ready(self):
        from csc.core import registry

        from .module import MODULE

        registry.register(MODULE)  # what this app brings: csc/animation/module.py
