"""Turning validation errors into lines people read."""


def error_lines(error):
    """['field: message', …] for a ValidationError with or without fields."""
    if hasattr(error, "error_dict"):
        return [f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages]
    return list(error.messages)


def format_errors(error):
    return "\n".join(error_lines(error))
