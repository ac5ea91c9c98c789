"""security/audit.py: a known vulnerability fails `make test` until it is judged in security/findings.yaml."""

from __future__ import annotations

import importlib.util
import sys

from assistant.config import PROJECT_ROOT

spec = importlib.util.spec_from_file_location("audit", PROJECT_ROOT / "security" / "audit.py")
audit = importlib.util.module_from_spec(spec)
sys.modules["audit"] = audit  # dataclasses look their module up while the file runs
spec.loader.exec_module(audit)


def test_a_finding_counts_as_judged_by_its_id_or_an_alias():
    package = audit.Package("chromadb", "1.5.9", newest="1.5.9", vulns=[
        {"id": "PYSEC-1", "aliases": ["GHSA-aaaa"]}, {"id": "GHSA-bbbb", "aliases": []},
        {"id": "GHSA-cccc", "aliases": ["CVE-1"]}])
    known = {"GHSA-aaaa": {}, "GHSA-bbbb": {}}
    assert [v["id"] for _, v in audit.unjudged([package], known)] == ["GHSA-cccc"]


def test_an_older_installed_release_is_not_called_audited():
    assert audit.Package("numpy", "2.4.6", newest="2.5.5").audited is False
    assert audit.Package("numpy", "2.5.5", newest="2.5.5").audited is True
    assert audit.Package("torch", "2.13.0+cpu", newest="2.13.0").audited is False


def test_every_judged_finding_says_what_and_why():
    for entry in audit.judged().values():
        assert {"id", "package", "judgement", "reason"} <= set(entry), entry
        assert len(entry["reason"]) > 80, entry["id"]
