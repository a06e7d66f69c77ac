"""Course tools for maintainers and instructors (not imported by students)."""
