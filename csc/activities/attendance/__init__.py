"""Attendance (« Check »): the day's sessions, the sheet a tap at a time, walk-ins, head counts of
open-door sessions, the grid that copies a paper sheet, and the programming of sessions.

`services` holds the rules of taking attendance (callers: `from csc.activities.attendance import services
as attendance`); `forms`, `views` and `urls` are the team's screens. The sessions themselves (schedules,
closures, counted hours) live one level up, in `csc.activities.sessions`, and the models in
`csc.activities.models`.
"""
