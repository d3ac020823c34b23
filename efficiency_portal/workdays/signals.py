from django.dispatch import Signal

# Sent after an administrator changed the calendar, inside the same transaction.
# Keyword arguments: ``dates`` (list of the dates whose status changed), ``change`` (the CalendarChange row).
# Receivers return how many deadlines they recomputed; the change log records the sum.
calendar_changed = Signal()
