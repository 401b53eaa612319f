"""Lighthouse on the running site, as a phone sees it: performance, accessibility, best
practices and SEO of the home page, the news list and an article, in Tajik and in English.

Run with `make lighthouse` (it installs Lighthouse from npm into .venv/node/lighthouse/ and
Debian's Chromium when missing), which runs `python -m bench.lighthouse`. Not a test: it
takes a few minutes, needs the npm package and the browser, and writes docs/lighthouse.md.

1. A temporary instance folder and SQLite database, made by the real `flask --app asti`
   commands: init-db, seed-demo. The demo has no picture, so the newest news item translated
   into Tajik and English gets a gallery of 12 photos, the first its lead photo, stored as
   the editor stores an upload: the article audited is one with a gallery.
2. gunicorn, 2 workers, on a free 127.0.0.1 port; each page is requested a few times first,
   so that both workers' page caches hold it, as on a site in use.
3. Lighthouse's default (mobile) configuration against each page: a phone's screen, and
   simulated throttling (slow 4G, CPU 4x slower), in Debian's Chromium, headless; 3 runs
   per page, the median kept (a run that Lighthouse itself fails is tried once more).
4. docs/lighthouse.md: the scores, the main metrics and every audit scored below 1; exit 0
   only when every score is at least MIN_SCORE and every run worked.

Only 127.0.0.1 is ever contacted.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench.reports import run_facts, run_rows, table, version
from tests.fixtures.server import Gunicorn, fetch, flask_cli, site_env, stop_group

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "lighthouse.md"
#: Installed by `make lighthouse`, in a folder of its own so that its axe-core does not
#: replace the one the tests use (.venv/node/node_modules/axe-core).
LIGHTHOUSE = ROOT / ".venv" / "node" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = Path("/usr/bin/chromium")

CATEGORIES = {
    "performance": "Performance",
    "accessibility": "Accessibility",
    "best-practices": "Best practices",
    "seo": "SEO",
}
#: The goal is 100 in every category; below this the run fails.
MIN_SCORE = 95
LANGUAGES = ("tg", "en")
PAGES = {"home": "home page", "news": "news list", "article": "article"}

#: (audit id, label, how the number is shown)
METRICS = [
    ("first-contentful-paint", "FCP", "s"),
    ("largest-contentful-paint", "LCP", "s"),
    ("total-blocking-time", "TBT", "ms"),
    ("cumulative-layout-shift", "CLS", "cls"),
    ("speed-index", "Speed Index", "s"),
    ("total-byte-weight", "bytes", "kib"),
]

#: Runs per page: the one with the median performance score is kept (see the report's notes).
DEFAULT_RUNS = 3
LIGHTHOUSE_SECONDS = 240
#: Requests per page before Lighthouse: with 2 workers, both get it and keep it cached.
WARM_REQUESTS = 4

#: Photos in the article's gallery (the lead photo among them), as a field visit's has.
GALLERY_PHOTOS = 12

#: Run in the instance after seed-demo: photo-like 1600x1067 pictures (sky, hills, a
#: texture; a 960 px WebP weighs about 100 KiB, as a news photo's does), each different,
#: stored through asti.images.store_image as an upload through the editor is, with a
#: description and a caption in Tajik and English; the newest item that has a Tajik and an
#: English text gets them as its gallery, the first as its lead photo. Its argument: how many
#: photos. Prints the item's slugs.
ADD_PHOTOS = """
import io, json, random, sys
from flask import current_app
from pathlib import Path
from PIL import Image as Pil, ImageDraw, ImageFilter
from asti import create_app
from asti.extensions import db
from asti.images import store_image
from asti.models import Image, News, NewsPhoto

W, H = 1600, 1067

def landscape(seed):
    rnd = random.Random(seed)
    picture = Pil.new("RGB", (W, H))
    draw = ImageDraw.Draw(picture)
    sky = [rnd.randint(70, 110), rnd.randint(140, 170), rnd.randint(200, 235)]
    for y in range(H):
        t = y / H
        colour = (int(sky[0] + 120 * t), int(sky[1] + 70 * t), int(sky[2] - 60 * t))
        draw.line([(0, y), (W, y)], fill=colour)
    for top, colour in ((520, (96, 120, 82)), (640, (70, 98, 60)), (780, (120, 104, 70))):
        top += rnd.randint(-80, 80)
        points = [(x, top + rnd.randint(0, 90)) for x in range(0, W + 100, 100)]
        draw.polygon([(0, H), *points, (W, H)], fill=colour)
    x, y = rnd.randint(100, 1340), rnd.randint(80, 300)
    draw.ellipse([x, y, x + 160, y + 160], fill=(250, 236, 190))
    picture = picture.filter(ImageFilter.GaussianBlur(2))
    # Texture a few pixels across, as foliage and faces have: WebP then weighs what a photo does.
    small = (W // 3, H // 3)
    grain = [Pil.effect_noise(small, 60).resize((W, H), Pil.BICUBIC) for _ in range(3)]
    picture = Pil.blend(picture, Pil.merge("RGB", grain), 0.25)
    upload = io.BytesIO()
    picture.save(upload, "JPEG", quality=90)
    upload.seek(0)
    return upload

app = create_app()
with app.app_context():
    news = next(n for n in db.session.scalars(News.newest_first(text=True))
                if {"tg", "en"} <= n.translations.keys())
    for number in range(1, int(sys.argv[1]) + 1):
        stored = store_image(landscape(number), Path(current_app.instance_path) / "media",
                             10 * 1024 * 1024)
        image = Image(key=stored.key, width=stored.width, height=stored.height)
        image.set_text("tg", alt=f"Теппаҳо ва осмон дар водии Фарғона, акси {number}",
                       caption=f"Водии Фарғона, рӯзи {number}-уми сафар")
        image.set_text("en", alt=f"Hills and sky in the Ferghana valley, photo {number}",
                       caption=f"The Ferghana valley, day {number} of the visit",
                       credit="ASTI" if number % 3 == 0 else "")
        db.session.add(image)
        news.photos.append(NewsPhoto(image=image))
        if number == 1:
            news.image = image
    db.session.commit()
    print(json.dumps({lang: news.translations[lang].slug for lang in ("tg", "en")}))
"""


def log(message: str) -> None:
    print(f"[lighthouse {datetime.now():%H:%M:%S}] {message}", flush=True)


# --- the site --------------------------------------------------------------------------


def add_photos(env: dict) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-c", ADD_PHOTOS, str(GALLERY_PHOTOS)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"adding the photos failed:\n{result.stdout}{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- Lighthouse ------------------------------------------------------------------------


@dataclass
class Page:
    lang: str
    kind: str  # a key of PAGES
    path: str
    runs: list[dict] = field(default_factory=list)  # Lighthouse's JSON, one per run

    @property
    def name(self) -> str:
        return f"{PAGES[self.kind]} ({self.lang})"

    @property
    def result(self) -> dict | None:
        """The run with the median performance score (the only one, usually)."""
        good = [r for r in self.runs if not r.get("runtimeError")]
        if not good:
            return None
        good.sort(key=lambda r: r["categories"]["performance"]["score"] or 0)
        return good[(len(good) - 1) // 2]

    def score(self, category: str) -> int | None:
        result = self.result
        value = result and result["categories"][category]["score"]
        return None if value is None else round(value * 100)


def lighthouse(url: str, output: Path) -> tuple[dict | None, str | None]:
    """One Lighthouse run in its default, mobile, configuration; (report, error)."""
    command = [
        str(LIGHTHOUSE), url, "--output=json", f"--output-path={output}",
        "--chrome-flags=--headless=new --no-sandbox", "--form-factor=mobile",
        f"--only-categories={','.join(CATEGORIES)}", "--quiet",
    ]  # fmt: skip
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    process = subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        printed, _ = process.communicate(timeout=LIGHTHOUSE_SECONDS)
    except subprocess.TimeoutExpired:
        # SIGINT: chrome-launcher then kills its Chromium (started in a session of its own).
        stop_group(process, signal.SIGINT)
        return None, f"no result in {LIGHTHOUSE_SECONDS} s"
    if process.returncode != 0 or not output.exists():
        tail = printed.strip().splitlines()[-5:]
        return None, f"exit {process.returncode}: " + " / ".join(tail)
    report = json.loads(output.read_text())
    error = report.get("runtimeError")
    return report, (f"{error.get('code')}: {error.get('message')}" if error else None)


def below_one(report: dict) -> list[dict]:
    """Every audit of the four categories whose score is below 1, with its weight there."""
    found = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if audit.get("score") is None or audit["score"] >= 1:
                continue
            found.append({
                "category": category,
                "id": ref["id"],
                "title": audit["title"],
                "score": audit["score"],
                "weight": ref["weight"],
                "mode": audit["scoreDisplayMode"],
                "value": clean(audit.get("displayValue") or ""),
                "items": items(audit),
            })  # fmt: skip
    return found


def items(audit: dict, limit: int = 3) -> list[str]:
    """A few of the audit's table rows, shortened: which element, resource or header."""
    rows = (audit.get("details") or {}).get("items") or []
    shown = []
    for row in rows[:limit]:
        if not isinstance(row, dict):
            continue
        node = row.get("node") if isinstance(row.get("node"), dict) else None
        if node:
            text = node.get("snippet") or node.get("selector") or ""
            explanation = node.get("explanation")
            if explanation:
                text += " — " + explanation.splitlines()[-1]
        else:
            text = row.get("description") or row.get("url") or row.get("source") or ""
            if isinstance(text, dict):
                text = text.get("url") or text.get("text") or ""
        if text:
            shown.append(clean(str(text))[:200])
    if len(rows) > limit:
        shown.append(f"… {len(rows) - limit} more")
    return shown


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def metric(report: dict, audit_id: str, kind: str) -> str:
    value = report["audits"].get(audit_id, {}).get("numericValue")
    if value is None:
        return "–"
    if kind == "s":
        return f"{value / 1000:.1f} s"
    if kind == "ms":
        return f"{value:.0f} ms"
    if kind == "cls":
        return f"{value:.3f}"
    return f"{value / 1024:.1f} KiB"


def metric_row(page: Page) -> list:
    if not page.result:
        return [page.name, *("–" for _ in METRICS), "–"]
    values = [metric(page.result, audit_id, kind) for audit_id, _, kind in METRICS]
    return [page.name, *values, requests_made(page.result)]


def performance_scores(page: Page) -> list[int]:
    return [
        round(run["categories"]["performance"]["score"] * 100)
        for run in page.runs
        if not run.get("runtimeError") and run["categories"]["performance"]["score"] is not None
    ]


def on_pages(audit: dict) -> str:
    """Where a grouped audit scored below 1: each page, its score and Lighthouse's value."""
    return "; ".join(
        f"{page.name}: {x['score']:.2f}" + (f", {x['value']}" if x["value"] else "")
        for page, x in audit["pages"]
    )


def requests_made(report: dict) -> int:
    details = report["audits"].get("network-requests", {}).get("details") or {}
    return len(details.get("items") or [])


# --- the report ------------------------------------------------------------------------


def code_version() -> str:
    """The commit measured, and whether the work tree had changes besides this report."""
    git = ["git", "-C", str(ROOT)]
    try:
        head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=30, check=True).stdout.strip()  # fmt: skip
        status = subprocess.run([*git, "status", "--porcelain"], capture_output=True,
                                text=True, timeout=30, check=True).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    report = str(REPORT.relative_to(ROOT))
    changed = [line for line in status.splitlines() if not line.endswith(report)]
    return f"commit {head}" + (
        f" and {len(changed)} uncommitted files (changed or new)" if changed else ""
    )


def node_note(node: str) -> str:
    """Lighthouse 13 declares Node.js >= 22.19; the machines have 20, on which it runs."""
    major = re.match(r"v(\d+)", node)
    if major and int(major.group(1)) < 22:
        return f"{node} (Lighthouse 13 asks for 22.19 or newer; it ran here without error)"
    return node


def shown_score(score: int | None) -> str:
    if score is None:
        return "**failed**"
    return str(score) if score == 100 else f"**{score}**"


def loopback_notes(pages: list[Page]) -> list[str]:
    """What plain HTTP on 127.0.0.1 does to the audits that are about the transport."""
    results = [(p, p.result) for p in pages if p.result]
    if not results:
        return []

    def scores(audit_id: str) -> tuple[set, float]:
        seen = {r["audits"].get(audit_id, {}).get("score") for _, r in results}
        weight = next(
            (ref["weight"] for _, r in results
             for ref in r["categories"]["best-practices"]["auditRefs"] if ref["id"] == audit_id),
            0,
        )  # fmt: skip
        return seen, weight

    notes = []
    seen, weight = scores("is-on-https")
    if seen == {1}:
        notes.append(
            f"- `is-on-https` (weight {weight:g} in best practices) passes on every page: "
            "Lighthouse counts 127.0.0.1, like localhost, as a secure origin, so serving plain "
            "HTTP on loopback costs no point. The real site is HTTPS only (deploy/nginx.conf)."
        )
    else:
        notes.append(
            f"- `is-on-https` (weight {weight:g} in best practices) scored {sorted(map(str, seen))}"
            ": see the failing audits below."
        )
    seen, weight = scores("redirects-http")
    notes.append(
        f"- `redirects-http` (weight {weight:g}): "
        + ("not applicable on loopback" if seen == {None} else f"scores {sorted(map(str, seen))}")
        + "; on the real site nginx redirects every HTTP request to HTTPS."
    )
    hsts = {
        clean(item.get("description", ""))
        for _, r in results
        for item in (r["audits"].get("has-hsts", {}).get("details") or {}).get("items") or []
    }
    seen, weight = scores("has-hsts")
    notes.append(
        f"- `has-hsts` (weight {weight:g}, so it never changes the score): "
        + ("; ".join(sorted(hsts)) or "no remark")
        + ". The application sends Strict-Transport-Security only on requests that came over "
        "HTTPS (asti/security.py), which a loopback request is not; `make audit` checks the "
        "header over HTTPS (docs/security-audit.md)."
    )
    return notes


def write_report(r: dict) -> None:
    pages: list[Page] = r["pages"]
    first = next((p.result for p in pages if p.result), None) or {}
    settings = first.get("configSettings", {})
    throttling = settings.get("throttling", {})
    screen = settings.get("screenEmulation", {})
    environment = first.get("environment", {})
    scores = [p.score(c) for p in pages for c in CATEGORIES]
    known = [s for s in scores if s is not None]
    lowest = min(known) if known else None
    verdict = (
        "all 100" if known and len(known) == len(scores) and lowest == 100
        else f"lowest score {lowest}" if lowest is not None else "no result"
    )  # fmt: skip
    out = [
        "# Lighthouse",
        "",
        "Written by `make lighthouse` (`bench/lighthouse.py`): Lighthouse against the "
        "site as gunicorn serves it, on loopback only, as a phone sees it. The goal is 100 in "
        f"each category, and the run fails below {MIN_SCORE}. Run it again rather than "
        "editing this file.",
        "",
        f"**{verdict}** over {len(pages)} pages × {len(CATEGORIES)} categories"
        + (f" · **errors: {len(r['errors'])}**" if r["errors"] else ""),
        "",
        "## Scores",
        "",
        *table(
            ["page", "path", *CATEGORIES.values()],
            [
                [p.name, f"`{p.path}`", *(shown_score(p.score(c)) for c in CATEGORIES)]
                for p in pages
            ],
        ),
        "",
        "## Metrics",
        "",
        "Lighthouse's lab metrics under its simulated phone and network (see *How it was "
        "measured*); `bytes` is everything the page downloaded, compressed as sent.",
        "",
        *table(["page", *(label for _, label, _ in METRICS), "requests"], map(metric_row, pages)),
        "",
    ]
    if r["runs"] > 1:
        out += [
            f"Each page was measured {r['runs']} times; the run with the median performance "
            "score is shown. Performance scores of all runs:",
            "",
            *(f"- {p.name}: {', '.join(map(str, performance_scores(p))) or '–'}" for p in pages),
            "",
        ]

    # Every audit below 1, grouped across pages.
    grouped: dict[tuple[str, str], dict] = {}
    for page in pages:
        for audit in below_one(page.result) if page.result else []:
            entry = grouped.setdefault((audit["category"], audit["id"]), {**audit, "pages": []})
            entry["pages"].append((page, audit))
    counted = [a for a in grouped.values() if a["weight"] > 0]
    unweighted = [a for a in grouped.values() if a["weight"] == 0]
    out += ["## Audits below 1", ""]
    if not counted:
        out += ["None that counts: no audit with a weight in its category scored below 1.", ""]
    else:
        rows = []
        for a in counted:
            where = dict.fromkeys(item for _, x in a["pages"] for item in x["items"])
            rows.append([CATEGORIES[a["category"]], f"`{a['id']}`", a["title"],
                         f"{a['weight']:g}", on_pages(a), "; ".join(where) or "–"])  # fmt: skip
        out += [
            "These lower a score (weight > 0 in their category):",
            "",
            *table(["category", "audit", "title", "weight", "pages (score, value)", "where"], rows),
            "",
        ]
    if unweighted:
        rows = [
            [CATEGORIES[a["category"]], f"`{a['id']}`", a["title"], on_pages(a)] for a in unweighted
        ]
        out += [
            "Shown by Lighthouse with weight 0 in their category, so they do not change any "
            "score (performance insights and diagnostics: mostly estimates of what could "
            "still be saved under the simulated slow network):",
            "",
            *table(["category", "audit", "title", "pages (score, value)"], rows),
            "",
        ]

    out += ["## Plain HTTP on loopback", "", *loopback_notes(pages), ""]

    device = (
        f"{screen.get('width')}×{screen.get('height')} CSS px at {screen.get('deviceScaleFactor')}"
        f"× (mobile: {screen.get('mobile')})"
    )
    out += [
        "## How it was measured",
        "",
        *table(
            ["", ""],
            [
                *run_rows(r),
                ["load average (1 min) before / after", r["load"]],
                ["code", r["code"]],
                [
                    "Lighthouse",
                    first.get("lighthouseVersion", "?")
                    + f" (npm), axe-core {environment.get('credits', {}).get('axe-core', '?')}",
                ],
                [
                    "Chromium",
                    f"{r['versions']['chromium']} (Debian, /usr/bin/chromium, "
                    "headless=new, --no-sandbox)",
                ],
                ["Node.js", node_note(r["versions"]["node"])],
                ["gunicorn", r["versions"]["gunicorn"]],
                ["python (site)", r["versions"]["python"]],
                [
                    "server",
                    "gunicorn, 2 sync workers, on a free port of 127.0.0.1; each page "
                    f"requested {WARM_REQUESTS} times first, so both workers' page "
                    "caches hold it",
                ],
                [
                    "database",
                    "a temporary SQLite file made by the real CLI: `init-db`, "
                    "`seed-demo`; the newest news item with a Tajik and an English "
                    f"text gets a gallery of {GALLERY_PHOTOS} photos of 1600×1067, the first "
                    "its lead photo, stored as uploads are (the demo has no picture)",
                ],
                [
                    "form factor",
                    f"{settings.get('formFactor', '?')}, screen {device}, "
                    "Lighthouse's default configuration",
                ],
                [
                    "throttling",
                    f"{settings.get('throttlingMethod', '?')}: RTT "
                    f"{throttling.get('rttMs', '?')} ms, "
                    f"{throttling.get('throughputKbps', 0) / 1024:.1f} Mbit/s down, "
                    f"CPU ×{throttling.get('cpuSlowdownMultiplier', '?')}",
                ],
                [
                    "benchmark index",
                    f"{environment.get('benchmarkIndex', '?')} (Lighthouse's "
                    "measure of this machine's CPU speed)",
                ],
            ],
        ),
        "",
        "The performance score is not the time the page took on loopback: Lighthouse loads "
        "the page once, then *simulates* it on a mid-range phone (its default, a Moto G "
        "Power, with the CPU 4× slower than this machine) on a slow 4G network (150 ms "
        "round trips, 1.6 Mbit/s), from the requests and the CPU work it recorded. That is "
        "the kind of phone and connection many of our readers have, so it is kept. The CPU "
        "part is measured on this machine, then multiplied: on a busy machine (2 cores "
        "shared with tests) one run in a few loses up to 5 points, hence the median of "
        f"{DEFAULT_RUNS} runs per page. Lighthouse also fails now and then on its own "
        '(NO_NAVSTART: "Please run Lighthouse again"); such a run is tried once more.',
        "",
        "To measure again: `make lighthouse` (installs lighthouse@13.5.0 from npm into "
        "`.venv/node/lighthouse/`, and Debian's Chromium when missing), or "
        "`.venv/bin/python -m bench.lighthouse --runs 1` for a quicker look; "
        "`--keep` keeps the JSON reports (open them in Lighthouse's viewer).",
        "",
    ]
    warnings = {
        f"{p.name}: {clean(w)}"
        for p in pages
        for run in p.runs
        for w in run.get("runWarnings") or []
    }
    if warnings:
        out += ["## Lighthouse's warnings", "", *(f"- {w}" for w in sorted(warnings)), ""]
    if r["retried"]:
        out += [
            "## Runs tried again",
            "",
            "Lighthouse failed on its own, then worked the second time:",
            "",
            *(f"- {e}" for e in r["retried"]),
            "",
        ]
    if r["errors"]:
        out += ["## Errors", "", *(f"- {e}" for e in r["errors"]), ""]
    REPORT.write_text("\n".join(out))


def measure(page: Page, base: str, stem: Path, run: int, errors: list, retried: list) -> None:
    """One run of Lighthouse on a page; tried again once when Lighthouse itself fails (on a
    busy machine it sometimes loses the trace: NO_NAVSTART, "Please run Lighthouse again")."""
    failures = []
    for attempt in range(2):
        report, error = lighthouse(base + page.path, stem.with_name(f"{stem.name}-{attempt}.json"))
        if error is None:
            page.runs.append(report)
            scores = {c: report["categories"][c]["score"] for c in CATEGORIES}
            log(f"{page.path}: " + ", ".join(f"{c} {round(v * 100)}" for c, v in scores.items()))
            if failures:
                retried.append(f"{page.name}, run {run + 1}: {failures[0]}")
            return
        log(f"{page.path}: {error}")
        failures.append(error)
    errors.append(f"{page.name}, run {run + 1}, twice: {' / '.join(failures)}")


# --- main ------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=DEFAULT_RUNS, help="runs per page (the median is kept)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    for needed, hint in ((LIGHTHOUSE, "make lighthouse"), (CHROMIUM, "make chromium")):
        if not needed.exists():
            raise SystemExit(f"{needed} is missing: {hint}")
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="asti-lighthouse-"))
    log(f"working folder {tmp}")
    env = site_env(tmp / "instance", f"sqlite:///{tmp / 'asti.db'}")
    log(flask_cli(env, "init-db").splitlines()[0])
    log(flask_cli(env, "seed-demo"))
    slugs = add_photos(env)
    log(f"a lead photo and a gallery of {GALLERY_PHOTOS} photos added to {slugs}")
    pages = [
        Page(lang, kind, path)
        for lang in LANGUAGES
        for kind, path in (
            ("home", f"/{lang}/"),
            ("news", f"/{lang}/news/"),
            ("article", f"/{lang}/news/{slugs[lang]}/"),
        )
    ]
    errors: list[str] = []
    retried: list[str] = []  # runs that failed, then worked when run again
    server = Gunicorn(env, tmp / "gunicorn.log").start()
    base = server.base
    log(f"gunicorn on {base}")
    try:
        for page in pages:
            for _ in range(WARM_REQUESTS):
                html = fetch(base + page.path)[2]
            if f'<html lang="{page.lang}"' not in html:
                errors.append(f"{page.path} is not in {page.lang}")
        for run in range(args.runs):
            for page in pages:
                measure(page, base, tmp / f"{page.kind}-{page.lang}-{run}", run, errors, retried)
    finally:
        server.stop()
    versions = {
        "chromium": version([str(CHROMIUM), "--version"], r"Chromium [\d.]+"),
        "node": version(["node", "--version"], r"v[\d.]+"),
        "gunicorn": version([sys.executable, "-m", "gunicorn", "--version"], r"gunicorn.*"),
        "python": platform.python_version(),
    }
    write_report({
        "code": code_version(),
        **run_facts(time.monotonic() - started),
        "load": f"{load_before:.2f} / {os.getloadavg()[0]:.2f}",
        "versions": versions,
        "runs": args.runs,
        "pages": pages,
        "errors": errors,
        "retried": retried,
    })  # fmt: skip
    if args.keep:
        log(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    low = [(p.name, c, p.score(c)) for p in pages for c in CATEGORIES
           if p.score(c) is None or p.score(c) < MIN_SCORE]  # fmt: skip
    for name, category, score in low:
        log(f"BELOW {MIN_SCORE}: {name} {category} {score}")
    for error in errors:
        log(f"ERROR {error}")
    log(f"wrote {REPORT.relative_to(ROOT)}")
    return 1 if low or errors else 0


if __name__ == "__main__":
    sys.exit(main())
