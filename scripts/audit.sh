#!/usr/bin/env bash
# Known vulnerabilities in the locked dependencies (requirements.lock),
# looked up by pip-audit in the advisories PyPI serves for each release, or
# else in OSV. pip-audit lives in a venv of its own (var/tools/), out of the
# project's. With no vulnerability database reachable the audit is skipped,
# exit 0, and says so: a package mirror that serves packages but not their
# advisories does not count as a database.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
lock=requirements.lock
python=${PYTHON:-python3}
skip() {
  echo "audit skipped: $1" >&2
  exit 0
}
[ -f "$lock" ] || { echo "no $lock: run make lock" >&2; exit 1; }
# One locked release asked for by version, as pip-audit asks for each.
probe=$(grep -m1 -E '^[A-Za-z0-9_.-]+==' "$lock")
pypi=${AUDIT_PYPI_URL:-https://pypi.org}
osv=${AUDIT_OSV_URL:-https://api.osv.dev}
service=$("$python" - "${probe%%==*}" "${probe#*==}" "$pypi" "$osv" <<'PY' 2>/dev/null || true
import json, sys, urllib.request
name, version, pypi, osv = sys.argv[1:5]
def reachable(url, data=None):
    try:
        request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return "vulnerabilities" in json.load(response) or data is not None
    except Exception:
        return False
if reachable(f"{pypi}/pypi/{name}/{version}/json"):
    print("pypi")
elif reachable(f"{osv}/v1/query", json.dumps(
        {"package": {"name": name, "ecosystem": "PyPI"}, "version": version}).encode()):
    print("osv")
PY
)
[ -n "$service" ] || skip "no vulnerability database is reachable (PyPI's advisories per release, OSV)"
tools=var/tools/pip-audit
if [ ! -x "$tools/bin/pip-audit" ]; then
  "$python" -m venv "$tools"
  "$tools/bin/python" -m pip install -q --disable-pip-version-check "pip-audit>=2.9,<3" \
    || skip "pip-audit could not be installed"
fi
report=var/audit.json
mkdir -p var
# Each pinned version as it is: nothing is resolved or installed anew.
"$tools/bin/pip-audit" --requirement "$lock" --no-deps --disable-pip --progress-spinner off \
  --vulnerability-service "$service" --format json --output "$report" 2>/dev/null || true
[ -s "$report" ] || skip "pip-audit gave no report ($service unreachable meanwhile?)"
exec "$python" scripts/audit_report.py "$report" "$service"
