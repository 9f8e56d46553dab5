"""Rows of a list page as its template prints them."""


class Row(dict):
    """One row of a list page, every value worked out in the view: a dict, because the template
    engine looks `row.name` up as `row["name"]` first and a model instance fails that lookup
    with an exception (caught) for every value a page prints; readable as attributes in Python
    (`row.url`), as the model instance it stands for was."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None
