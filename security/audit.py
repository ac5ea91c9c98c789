"""Known vulnerabilities of the installed Python packages, from PyPI's vulnerability data (the OSV database
that pip-audit reads), judged against security/findings.yaml.

pip-audit asks PyPI per installed version (/pypi/NAME/VERSION/json); the index this project installs from
answers only per project (/pypi/NAME/json), which carries the vulnerabilities of the project's newest
release. So a package is audited when the installed version is the newest one, and reported as not
audited otherwise. Exit status 1 when a finding is not judged in findings.yaml, 2 when PyPI cannot be read.

    .venv/bin/python security/audit.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import httpx
import yaml
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

FINDINGS = Path(__file__).with_name("findings.yaml")
PYPI = "https://pypi.org/pypi/{name}/json"


@dataclass
class Package:
    name: str
    version: str
    newest: str | None = None
    vulns: list[dict] = field(default_factory=list)
    error: str | None = None

    @property
    def audited(self) -> bool:
        return self.error is None and self.newest is not None and _same(self.version, self.newest)


def _same(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def installed() -> list[Package]:
    seen: dict[str, Package] = {}
    for dist in metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"] or "")
        if name and name not in seen:
            seen[name] = Package(name, dist.version)
    return sorted(seen.values(), key=lambda p: p.name)


def look_up(client: httpx.Client, package: Package) -> Package:
    try:
        r = client.get(PYPI.format(name=package.name))
    except httpx.HTTPError as exc:
        package.error = f"{type(exc).__name__}: {exc}"
        return package
    if r.status_code == 404:
        package.error = "not on PyPI (a local package)"
        return package
    if r.status_code != 200:
        package.error = f"PyPI answered {r.status_code}"
        return package
    data = r.json()
    package.newest = data["info"]["version"]
    if package.audited:
        package.vulns = [v for v in data.get("vulnerabilities") or [] if not v.get("withdrawn")]
    return package


def judged() -> dict[str, dict]:
    entries = yaml.safe_load(FINDINGS.read_text(encoding="utf-8")) or {}
    return {entry["id"]: entry for entry in entries.get("findings") or []}


def unjudged(packages: list[Package], known: dict[str, dict]) -> list[tuple[Package, dict]]:
    """The findings that findings.yaml does not judge, by their id or any of their aliases."""
    return [(p, v) for p in packages for v in p.vulns
            if v["id"] not in known and not set(v.get("aliases") or []) & set(known)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print every package as JSON")
    args = parser.parse_args(argv)
    packages = installed()
    with httpx.Client(timeout=30, follow_redirects=True) as client, ThreadPoolExecutor(8) as pool:
        packages = list(pool.map(lambda p: look_up(client, p), packages))
    unreachable = [p for p in packages if p.error and not p.error.startswith("not on PyPI")]
    if len(unreachable) == len(packages):
        print(f"audit: PyPI could not be read ({unreachable[0].error})", file=sys.stderr)
        return 2
    known = judged()
    findings = [(p, v) for p in packages for v in p.vulns]
    open_ = unjudged(packages, known)
    if args.json:
        print(json.dumps([p.__dict__ for p in packages], indent=1))
    audited = [p for p in packages if p.audited]
    behind = [p for p in packages if p.newest and not p.audited]
    local = [p for p in packages if p.error and p.error.startswith("not on PyPI")]
    print(f"audit: {len(packages)} packages; {len(audited)} audited (installed = newest release), "
          f"{len(behind)} not audited here (an older release installed), {len(local)} local, "
          f"{len(unreachable)} unreachable")
    for p, v in findings:
        state = "judged" if (p, v) not in open_ else "NOT JUDGED"
        fixed = ", ".join(v.get("fixed_in") or []) or "no fix yet"
        print(f"  {state}: {p.name} {p.version} {v['id']} (fixed in {fixed}) {v.get('summary') or ''}".rstrip())
    if behind:
        print("  not audited: " + ", ".join(f"{p.name} {p.version} (newest {p.newest})" for p in behind))
    if open_:
        print(f"audit: {len(open_)} finding(s) not judged in {FINDINGS.name}: judge each there", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
