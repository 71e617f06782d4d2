"""manage.py of the test provider; run by tests.oidc_provider.server, never by the main project."""

import os
import sys

if __name__ == "__main__":
    os.environ["DJANGO_SETTINGS_MODULE"] = "provider_settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
