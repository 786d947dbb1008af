"""An import's bookkeeping, kept in a few bytes per row or project, so its memory stays flat however long the file.

`RowNumbers` holds Excel row numbers as runs (a sheet's rows mostly come out the same way, one after another);
`ProjectIds` is a set of project ids, a bit each; `FirstRows` remembers which row first named each project.
"""

from array import array


class RowNumbers:
    """Excel row numbers in the order they were added, held as runs of consecutive numbers."""

    def __init__(self, numbers=()):
        self._starts, self._ends = array("I"), array("I")  # a run is starts[i] … ends[i], both included
        self._count = 0
        for number in numbers:
            self.append(number)

    def append(self, number):
        if self._ends and self._ends[-1] + 1 == number:
            self._ends[-1] = number
        else:
            self._starts.append(number)
            self._ends.append(number)
        self._count += 1

    def __len__(self):
        return self._count

    def __iter__(self):
        for start, end in zip(self._starts, self._ends, strict=True):
            yield from range(start, end + 1)

    def __eq__(self, other):
        return list(self) == list(other)

    def __repr__(self):
        return f"RowNumbers({list(self)!r})"


class ProjectIds:
    """A set of project ids, one bit each (up to the largest id added)."""

    def __init__(self):
        self._bits = bytearray()

    def add(self, pk):
        byte = pk >> 3
        if byte >= len(self._bits):
            self._bits.extend(bytes(max(byte + 1 - len(self._bits), len(self._bits))))
        self._bits[byte] |= 1 << (pk & 7)

    def __contains__(self, pk):
        byte = pk >> 3
        return byte < len(self._bits) and bool(self._bits[byte] & 1 << (pk & 7))


class FirstRows:
    """The row that first named each project, 12 bytes a project and a bit.

    `row_of` is quick for a project no row named; for one a row did, it searches: that is the error of a
    project named twice, which is reported once.
    """

    def __init__(self):
        self._named = ProjectIds()
        self._ids, self._rows = array("q"), array("I")

    def add(self, pk, row):
        if pk not in self._named:
            self._named.add(pk)
            self._ids.append(pk)
            self._rows.append(row)

    def row_of(self, pk):
        """The row that named the project, or None."""
        if pk not in self._named:
            return None
        return self._rows[self._ids.index(pk)]
