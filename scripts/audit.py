"""`make audit`: the packages of requirements.lock against the public vulnerability database
(OSV, which gathers PyPI's advisories), through pip-audit.

It needs internet access to api.osv.dev. When it cannot reach it, or when packages could not be
checked, it says so and exits 2: an audit that checked nothing must never look like a clean one.
Exits 1 when a locked package has a known vulnerability, 0 when every package was checked clean.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = [
    str(ROOT / ".venv" / "bin" / "pip-audit"),
    "--requirement",
    str(ROOT / "requirements.lock"),
    "--require-hashes",
    "--disable-pip",
    "--vulnerability-service",
    "osv",
    "--progress-spinner",
    "off",
    "--format",
    "json",
]


def main():
    result = subprocess.run(COMMAND, capture_output=True, text=True, check=False)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print("The audit could not run, so nothing was checked.", file=sys.stderr)
        print(f"  pip-audit said: {reason[:300]}", file=sys.stderr)
        print("  It needs to reach https://api.osv.dev/: run `make audit` where it can.", file=sys.stderr)
        return 2
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    for dependency in vulnerable:
        for vulnerability in dependency["vulns"]:
            fixes = ", ".join(vulnerability.get("fix_versions", [])) or "no fixed version yet"
            print(f"{dependency['name']} {dependency['version']}: {vulnerability['id']} (fixed in {fixes})")
    checked = len(dependencies) - len(skipped)
    print(f"{checked} of {len(dependencies)} locked packages checked; {len(vulnerable)} with known vulnerabilities.")
    if skipped:
        print(f"{len(skipped)} could not be checked, for example: {skipped[0]['skip_reason']}", file=sys.stderr)
        return 2
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
