class ApplicationError(Exception):
    """A domain rule refused the request; views turn it into a translated message or form error."""

    def __init__(self, message: str, *, code: str = "invalid", extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}
