"""axe-core for the browser tests: taken from the npm registry once (checked against its published integrity),
kept under var/, and served to the page from the live server's own origin, so no CDN and no CSP exception."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings

from tests.conftest import require_service

VERSION = "4.14.1"
INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
SERVED_AT = "/__test-assets__/axe.min.js"


def axe_source() -> str:
    """The text of axe.min.js of the pinned version, fetched with `npm pack` on first use."""
    target = Path(settings.BASE_DIR) / "var" / "test-assets" / f"axe-core-{VERSION}"
    script = target / "axe.min.js"
    if not script.exists():
        require_service(shutil.which("npm") is not None, "needs npm to fetch axe-core from the npm registry")
        target.mkdir(parents=True, exist_ok=True)
        packed = subprocess.run(
            ["npm", "pack", f"axe-core@{VERSION}", "--pack-destination", str(target), "--silent"],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout.strip()
        archive = target / packed.splitlines()[-1]
        digest = base64.b64encode(hashlib.sha512(archive.read_bytes()).digest()).decode()
        if f"sha512-{digest}" != INTEGRITY:
            raise RuntimeError(f"axe-core {VERSION} from the registry does not match its published integrity")
        with tarfile.open(archive) as package:
            member = package.extractfile("package/axe.min.js")
            script.write_bytes(member.read())
        archive.unlink()
    return script.read_text(encoding="utf-8")


def serve_axe(context, base_url: str, source: str) -> str:
    """Answer requests for the script on the page's own origin; returns its URL."""
    url = f"{base_url}{SERVED_AT}"
    context.route(url, lambda route: route.fulfill(body=source, content_type="application/javascript"))
    return url


def serious_violations(page, script_url: str) -> list[str]:
    """Critical and serious axe-core violations of the page, one line each with where they are."""
    page.add_script_tag(url=script_url)
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations
                .filter(v => v.impact === 'critical' || v.impact === 'serious')
                .map(v => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`
                          + (v.nodes.length > 3 ? ` (+${v.nodes.length - 3})` : ''));
        }"""
    )
    return violations
