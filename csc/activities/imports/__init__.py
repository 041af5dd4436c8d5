"""Import of past attendance from a spreadsheet, when a structure opens its account.

`services` holds the three steps (prepare, preview, run), callable without a request from views,
scripts and benchmarks (`from csc.activities.imports import services as imports`); `forms`, `views` and
`urls` are the screens. The batches are `AttendanceImport` in `csc.activities.models`.
"""
