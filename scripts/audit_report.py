"""Reads a pip-audit JSON report: prints each known vulnerability and exits
1 when there is one; exits 0 saying the audit was skipped when the service
answered for no package (the report lists them all as not audited)."""

from __future__ import annotations

import json
import sys


def main(report: str, service: str) -> int:
    with open(report, encoding="utf-8") as handle:
        deps = json.load(handle)["dependencies"]
    skipped = [d for d in deps if d.get("skip_reason")]
    audited = [d for d in deps if not d.get("skip_reason")]
    if not audited:
        sys.stderr.write(
            f"audit skipped: {service} answered for none of the {len(deps)} locked packages\n"
        )
        return 0
    found = [(d["name"], d["version"], v) for d in audited for v in d.get("vulns", [])]
    for name, version, vuln in found:
        fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
        sys.stdout.write(f"{name} {version}: {vuln['id']} (fixed in {fixes})\n")
    for d in skipped:
        sys.stderr.write(f"not audited: {d['name']} {d['version']}: {d['skip_reason']}\n")
    sys.stdout.write(
        f"{len(audited)} locked packages audited against {service}: "
        f"{len(found)} known vulnerabilities, {len(skipped)} not audited\n"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
