"""What the online requests open (granted in csc/enrolment/module.py)."""

ENROLMENT_PROCESS = "enrolment.process"
