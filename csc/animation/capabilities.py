"""What activity sheets, plannings and the pedagogical project open (granted in csc/animation/module.py)."""

ANIMATION_SHEETS = "animation.sheets"
ANIMATION_PLANNINGS = "animation.plannings"
PEDAGOGICAL_PROJECT = "animation.project"
