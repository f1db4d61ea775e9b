"""The `essaim` console script: Django's manage.py under the project's name."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essaim.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["essaim", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
