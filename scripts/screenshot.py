#!/usr/bin/env python3
"""Take the documentation's screenshot: the demo portal's home page on a phone, in headless Chromium.

The demo is copied into a temporary folder (with its watch snapshot), built by the real
`relais build` at the demo's "now", served on 127.0.0.1 and shown in Debian's Chromium at a
phone's size (390 × 844 CSS pixels, French, Europe/Paris), as an employee would see it.

Usage (from the repository root): .venv/bin/python scripts/screenshot.py [OUT.png]
(default: docs/assets/demo-home-phone.png). RELAIS_CHROMIUM names another Chromium.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_NOW = "2026-12-01T08:00"
DEMO_INSTANT = "2026-12-01T08:00:00+01:00"
OUT = ROOT / "docs" / "assets" / "demo-home-phone.png"
PHONE = {"width": 390, "height": 844}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def build_demo(target: Path) -> Path:
    """The demo built into `target`/site; returns the site folder."""
    sys.path.insert(0, str(ROOT))
    from generator.build import build

    target.mkdir(parents=True)
    for name in ("site_config.yml", "content", "calendar", "ambassadors", "moderation"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    shutil.copytree(ROOT / "demo-watch-cache", target / ".relais" / "watch")
    result = build(target, now_option=DEMO_NOW)
    if not result.ok:
        sys.exit(f"the demo did not build: {result.failure}")
    return Path(result.out)


def main() -> None:
    """Build, serve, shoot."""
    from playwright.sync_api import sync_playwright

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    chromium = os.environ.get("RELAIS_CHROMIUM", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory() as tmp:
        site = build_demo(Path(tmp) / "demo")
        handler = functools.partial(_Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
                context = browser.new_context(
                    viewport=PHONE,
                    device_scale_factor=1,
                    is_mobile=True,
                    has_touch=True,
                    locale="fr-FR",
                    timezone_id="Europe/Paris",
                    reduced_motion="reduce",
                )
                page = context.new_page()
                # The reader's clock at the demo's morning: "new" and "closes soon" are marked
                # by the browser's clock, as on a reader's phone that day.
                page.clock.install(time=DEMO_INSTANT)
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/", wait_until="networkidle")
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out), animations="disabled", caret="hide")
                browser.close()
        finally:
            server.shutdown()
    print(f"Wrote {out} ({out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
