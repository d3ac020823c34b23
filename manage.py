#!/usr/bin/env python
"""Django's command-line utility for the Efficiency Portal."""

import os
import sys

# Commands that read the code only (never the data, never a secret): they run without SECRET_KEY, so that a
# developer or a check can ask for missing migrations or compile the translations on a bare checkout.
CODE_ONLY_COMMANDS = {"makemigrations", "compilemessages", "makemessages"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "efficiency_portal.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ.setdefault("PORTAL_CODE_ONLY_COMMAND", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
