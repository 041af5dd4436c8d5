"""Attendance reports (« Bilans de fréquentation »): anonymous figures and CAF hours for a centre, an
activity, a territory or the network.

`queries` computes the figures (read-only, GROUP BY in the database), `exports` turns them into XLSX and
PDF files, `views` and `urls` are the pages. The kiosk's and casework's figures reuse `queries` and
`exports`, and the kiosk the month helpers of `views`.
"""
