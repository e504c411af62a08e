#!/usr/bin/env bash
# Writes requirements.lock: every package installed in .venv (the project's
# dependencies and its development extra) at its exact version. The image is
# built within it (Dockerfile) and `make audit` checks it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/bootstrap.sh
{
  echo "# The installed dependencies at their exact versions: \`make lock\` writes it, \`make audit\` checks it."
  .venv/bin/python -m pip freeze --exclude-editable --disable-pip-version-check | LC_ALL=C sort -f
} > requirements.lock.tmp
mv requirements.lock.tmp requirements.lock
echo "requirements.lock: $(grep -c '==' requirements.lock) packages"
