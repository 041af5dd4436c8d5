"""What the directory of structures opens (granted in csc/directory/module.py)."""

DIRECTORY_VIEW = "directory.view"
# Add entries, and change or withdraw those the centre owns; examine the corrections proposed to them.
DIRECTORY_EDIT = "directory.edit"
# Propose a correction to an entry another centre owns (or no centre owns).
DIRECTORY_PROPOSE = "directory.propose"
# Change or withdraw the entries no centre owns, and examine the corrections proposed to them.
DIRECTORY_NETWORK = "directory.network"
