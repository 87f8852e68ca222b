"""The one exception type for problems a user can cause and fix (a bad file, an odd query)."""


class RecsysError(Exception):
    """A problem the user can act on; its message says what went wrong and what to do."""


class NotSaved(RecsysError):
    """Training finished but the model could not be written (a read-only or full disk): the
    message says so, and `embeddings` holds the model for whoever can serve it from memory."""

    def __init__(self, message: str, embeddings):
        super().__init__(message)
        self.embeddings = embeddings
