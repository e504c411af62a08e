#!/usr/bin/env bash
# Extracts the messages of each app (into APP/locale) and of the templates and
# settings (into locale/), then compiles them. Fill the new msgstr lines of
# the .po files, run it again, and commit both .po and .mo.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export DJANGO_DEBUG=1
py=$root/.venv/bin/python
for app in core complaints arbitration supervisors search; do
  # Run inside the app (so its messages go to its own catalogue) with only
  # the project root on the path: core/events.py must not shadow the
  # `events` package a dependency imports.
  "$py" - "$root" "$app" >/dev/null <<'PY'
import os, sys
root, app = sys.argv[1:3]
sys.path[0] = root
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.core.management import call_command
os.chdir(os.path.join(root, app))
call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, no_wrap=True)
PY
done
"$py" manage.py makemessages -l zh_Hans --no-obsolete --no-wrap \
  --ignore='core/*' --ignore='complaints/*' --ignore='search/*' --ignore='arbitration/*' --ignore='supervisors/*' \
  --ignore='.venv/*' --ignore='tests/*' --ignore='bench/*' --ignore='scripts/*' --ignore='var/*' \
  --ignore='staticfiles/*' --ignore='docs/*' >/dev/null
"$py" manage.py compilemessages --ignore='.venv/*' >/dev/null
for po in */locale/zh_Hans/LC_MESSAGES/django.po locale/zh_Hans/LC_MESSAGES/django.po; do
  printf "%s: " "$po"; msgfmt --statistics -o /dev/null "$po" 2>&1
done
