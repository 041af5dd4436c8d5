"""What activities, sessions, attendance and reports open (granted in csc/activities/module.py)."""

ACTIVITIES_VIEW = "activities.view"
ACTIVITIES_CONFIGURE = "activities.configure"
ATTENDANCE_TAKE = "attendance.take"
SESSIONS_MANAGE = "sessions.manage"
ATTENDANCE_IMPORT = "attendance.import"
REPORTS_VIEW = "reports.view"
ACTIVITIES_REGISTER = "activities.register"
