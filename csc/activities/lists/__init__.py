"""The staff list of an activity's registrations (« Inscriptions »): filters, sorts, pages, totals."""
