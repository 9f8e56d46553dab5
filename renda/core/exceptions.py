class ApplicationError(Exception):
    """A business rule refused the request. `message` is translated and shown to the user."""

    def __init__(self, message, *, field=None, extra=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}
