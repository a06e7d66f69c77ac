"""Course tools for maintainers and instructors: worksheets, navigation, links.

Run as ``python -m mpcourse.<tool>``; never imported by a student's kernel,
and never imports the harness (``mpharness``), which sits above it.
"""
