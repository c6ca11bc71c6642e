class SendError(Exception):
    """The channel did not take the message; the text says why (for the log)."""
