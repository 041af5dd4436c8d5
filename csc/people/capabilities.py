"""What people and households open (granted in csc/people/module.py)."""

PEOPLE_VIEW = "people.view"
PEOPLE_EDIT = "people.edit"
PEOPLE_RIGHTS = "people.rights"
