"""Core's capabilities: running a centre's team, its journal and its settings (granted in
csc/core/module.py)."""

STAFF_MANAGE = "staff.manage"
AUDIT_VIEW = "audit.view"
CENTRE_SETTINGS = "centre.settings"
MESSAGES_VIEW = "messages.view"
