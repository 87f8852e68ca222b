"""The one exception type for problems a user can cause and fix (a bad file, an odd query)."""


class RecsysError(Exception):
    """A problem the user can act on; its message says what went wrong and what to do."""
