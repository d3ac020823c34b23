from django.http import HttpRequest


def unread(request: HttpRequest) -> dict:
    """The unread count for the bell in the base layout (None hides the bell)."""
    return {"unread_notifications": None}
