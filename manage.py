#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pixorga.settings")
    if not os.environ.get("SECRET_KEY") and "DJANGO_DEBUG" not in os.environ:
        # A developer's command line: fall back to the embedded default. The web server
        # (wsgi/asgi) has no such fallback and refuses to start without SECRET_KEY.
        os.environ["DJANGO_DEBUG"] = "1"
        print("manage.py: SECRET_KEY non défini, mode développement (DJANGO_DEBUG=1).", file=sys.stderr)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
