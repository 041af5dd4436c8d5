"""What the directory of structures opens (granted in csc/directory/module.py)."""

DIRECTORY_VIEW = "directory.view"
DIRECTORY_EDIT = "directory.edit"
