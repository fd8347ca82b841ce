"""Edited fact sheets come back: read a .docx, merge its edits into the action's YAML."""
