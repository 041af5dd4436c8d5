"""What the kiosk opens to staff (granted in csc/kiosk/module.py)."""

KIOSK_CONFIGURE = "kiosk.configure"
KIOSK_HELP_LOG = "kiosk.help_log"
KIOSK_FIGURES = "kiosk.figures"
