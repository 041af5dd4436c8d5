"""Social follow-up's journal actions (labelled in csc/casework/module.py)."""

CASE_READ = "casework.read"
CASE_REFUSED = "casework.refused"
