"""What social follow-up opens (granted in csc/casework/module.py)."""

CASEWORK_FOLLOW = "casework.follow"
CASEWORK_CONFIGURE = "casework.configure"
CASEWORK_FIGURES = "casework.figures"
