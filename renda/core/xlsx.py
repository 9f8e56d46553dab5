"""openpyxl helpers shared by the apps' workbook builders."""

from copy import copy


class StyleCache:
    """Style each kind of cell once, then copy its style ids to the others: setting a font,
    border or alignment on a cell makes openpyxl hash the style objects against the workbook's
    lists every time, which costs more than writing the values of a large workbook.

    `apply(cell, key, **attrs)`: the first cell of a `key` gets `attrs` set; later cells of
    that key get a copy of its style (so `attrs` must depend on the key alone)."""

    def __init__(self):
        self.protos = {}

    def apply(self, cell, key, **attrs):
        proto = self.protos.get(key)
        if proto is None:
            for name, value in attrs.items():
                setattr(cell, name, value)
            self.protos[key] = copy(cell._style)
        else:
            cell._style = copy(proto)
        return cell
