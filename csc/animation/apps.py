from django.apps import AppConfig


class AnimationConfig(AppConfig):
    name = "csc.animation"
    label = "animation"
    verbose_name = "Anim'connect"
