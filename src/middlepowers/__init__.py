"""Middle Powers at Davos: the tested helpers behind the teaching notebooks.

Modules:

- :mod:`middlepowers.article` turns the article text into tidy tables.
- :mod:`middlepowers.paths` finds the collection's data from any working
  directory (repo root, ``notebooks/``, a JupyterHub home).
"""

__version__ = "0.1.0"
