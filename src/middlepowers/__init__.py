"""Middle Powers at Davos: the tested helpers behind the teaching notebooks.

What a student's kernel imports, and nothing else (the course tools and the
test harness live in ``tools/``). Modules:

- :mod:`middlepowers.article` turns the article text into tidy tables.
- :mod:`middlepowers.paths` finds the collection's data from any working
  directory (repo root, ``notebooks/``, a JupyterHub home).
- :mod:`middlepowers.quiz` shows the checks as widgets, over the plain
  checkers in :mod:`middlepowers.checks`, which read the quiz files through
  :mod:`middlepowers.quizfile` and judge numbers by the one rule in
  :mod:`middlepowers.numeric`.
- :mod:`middlepowers.progress` keeps every attempt in the student's progress file;
  :mod:`middlepowers.course` maps the notebook an attempt names (an id of
  ``data/course.toml``, an old one or a file name) to the notebook it counts for.
- :mod:`middlepowers.speech` reads the Davos speeches (``data/speeches/``) into
  tables with stable ids, and :mod:`middlepowers.align` puts each article
  sentence beside the speech sentences it rests on.
- :mod:`middlepowers.coalition` (lesson 01), :mod:`middlepowers.rhetoric`
  (lesson 02) and :mod:`middlepowers.concentration` (lesson 03) hold the
  lessons' methods; :mod:`middlepowers.claims` lays out the same claim tests
  for both leaders (lesson 03).
- :mod:`middlepowers.figures` draws colour-blind-safe charts with alt text;
  :mod:`middlepowers.ui` shares the widgets' layout and style models.
- :mod:`middlepowers.i18n` reads a notebook's language from its metadata and
  gives the checks their French texts (the French edition, ``notebooks/fr/``).
- :mod:`middlepowers._errors` turns a helper's failure into a clear message.

Imported in a notebook kernel, the package shows every DataFrame as pandas
does, minus the empty header cells (:func:`middlepowers.ui.dataframe_html`).
"""

__version__ = "0.1.0"


def _register_table_formatter() -> None:
    """In a notebook kernel, show every DataFrame through :func:`middlepowers.ui.dataframe_html`.

    Registered by name, so neither pandas nor ipywidgets is imported here; a
    plain ``python`` process (no IPython loaded) is left alone.
    """
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return

    def html(df):
        from middlepowers.ui import dataframe_html

        return dataframe_html(df)

    formatter = shell.display_formatter.formatters["text/html"]
    for module in ("pandas", "pandas.core.frame"):  # DataFrame.__module__ in pandas 3, and before
        formatter.for_type_by_name(module, "DataFrame", html)


_register_table_formatter()
