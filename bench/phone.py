"""The caregivers' phones for the benches: an HTTP server in a process of its own that writes down when each page
arrived.

A page's arrival is stamped the moment the phone's server takes it, not when a bench's event loop (busy publishing
thousands of readings a second) gets round to it: a phone is a device of its own. One JSON line a page, flushed:
``{"home", "mono", "wall", "message"}`` (``time.monotonic()`` is the machine's, the same in every process).

    python bench/phone.py PORT FILE
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from aiohttp import web


def serve(port: int, out: Path) -> None:
    with out.open("a", encoding="utf-8") as lines:

        async def hook(request: web.Request) -> web.Response:
            mono, wall = time.monotonic(), time.time()
            body = await request.json()
            lines.write(json.dumps({"home": request.match_info["home"], "mono": mono, "wall": wall,
                                    "message": str(body.get("message", ""))}) + "\n")
            lines.flush()
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_post("/{home}", hook)
        web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None, handle_signals=True)


if __name__ == "__main__":
    serve(int(sys.argv[1]), Path(sys.argv[2]))
