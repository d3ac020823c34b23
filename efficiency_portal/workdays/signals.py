from django.dispatch import Signal

# Sent after an administrator changed the calendar, inside the same transaction (the in-process calendar already
# shows the change). Keyword arguments: ``dates`` (sorted list of the dates whose working/non-working status changed;
# when a whole year's schedule is added, replaced or removed, also that year's 1 January and 31 December, so that
# deadlines whose provisional flag changes are recomputed too) and ``change`` (the CalendarChange row).
# Receivers return how many deadlines they recomputed; the change log records the sum.
calendar_changed = Signal()
