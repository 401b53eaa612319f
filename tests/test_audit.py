"""The parts of the security audit (bench/audit.py) that can be checked without the
scanners: the self-test's plants still fit the code, the loopback SSRF endpoint answers as
wapiti reads it, and sqlmap's log is read per parameter. `make audit-selftest` runs the
whole audit against the plants (#19)."""

import json
import shutil
import urllib.request

from bench.audit import SqlmapSpec, SsrfEndpoint, sqlmap_attempts
from bench.audit_selftest import PLANTS, ROOT, plant


def test_every_plant_fits_the_code_once(tmp_path):
    """A plant that no longer fits would stop `make audit-selftest`: found here first."""
    for p in PLANTS:
        for file, _, _ in p.changes:
            (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / file, tmp_path / file)
    plant(tmp_path)
    for p in PLANTS:
        for file, _, replaced in p.changes:
            assert replaced in (tmp_path / file).read_text(), (p.flaw, file)


def test_ssrf_endpoint_tells_wapiti_what_the_site_fetched():
    endpoint = SsrfEndpoint()
    try:
        with urllib.request.urlopen(f"{endpoint.base}ssrf/s1/12/71/", timeout=5) as answer:
            assert answer.status == 200
        with urllib.request.urlopen(f"{endpoint.base}get_ssrf.php?id=s1", timeout=5) as answer:
            fetched = json.load(answer)
        with urllib.request.urlopen(f"{endpoint.base}get_ssrf.php?id=s2", timeout=5) as answer:
            assert json.load(answer) == {}
    finally:
        endpoint.stop()
    [seen] = fetched["12"]["71"]  # request 12, parameter "q" in hex
    assert (seen["method"], seen["url"], seen["ip"]) == ("GET", "/ssrf/s1/12/71/", "127.0.0.1")
    assert endpoint.hits() == 1


SQLMAP_LOG = """\
[01:09:15] [INFO] testing if URI parameter '#1*' is dynamic
[01:09:15] [INFO] testing for SQL injection on URI parameter '#1*'
[01:09:15] [INFO] testing 'AND boolean-based blind - WHERE or HAVING clause'
[01:09:16] [INFO] testing 'Boolean-based blind - Parameter replace (original value)'
[01:09:18] [WARNING] URI parameter '#1*' does not seem to be injectable
[01:09:18] [INFO] testing for SQL injection on Cookie parameter 'session'
[01:09:18] [INFO] testing 'AND boolean-based blind - WHERE or HAVING clause'
[01:09:19] [INFO] testing 'AND boolean-based blind - WHERE or HAVING clause'
"""


def test_sqlmap_log_read_per_parameter():
    """The `*` in a path is named after the part it marks; each technique counts once."""
    spec = SqlmapSpec("news item", "/en/news/some-slug*/", marker="slug", seeds="a slug")
    tried = {(a.method, a.path, a.parameter): a.count for a in sqlmap_attempts(SQLMAP_LOG, spec)}
    assert tried == {
        ("GET", "/en/news/some-slug/", "slug"): 2,
        ("GET", "/en/news/some-slug/", "cookie session"): 1,
    }
