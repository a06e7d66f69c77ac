"""Course tools for maintainers and instructors (the ``middlepowers-tools`` distribution)."""
