#!/usr/bin/env python3
"""Times how long headless chromium takes to open local HTML pages, through the DevTools protocol
over a pipe (--remote-debugging-pipe: no port, no websocket library).

Usage: page_load.py [--repeat K] [--chromium PATH] PAGE...
For each repetition, the pages are opened one after the other in the same browser, each in a fresh
tab (so the pages are measured side by side, under the same load of the machine), and the tab waits
for the load event and then for the next frame to be drawn. Per page it prints one line of JSON:
{"page", "load_ms": [...], "frame_ms": [...], "median_load_ms", "median_frame_ms"}, where load_ms is
navigation start -> load event end and frame_ms is navigation start -> the first frame after the
load event (style, layout and paint of the whole document done), both as the page's own
performance clock measures them.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# Resolves with the page's timings once a frame has been drawn after the load event.
TIMINGS_JS = """
new Promise(resolve => requestAnimationFrame(() => setTimeout(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  resolve({load_ms: nav ? nav.loadEventEnd : 0, frame_ms: performance.now()});
}, 0)))
"""


class Browser:
    def __init__(self, chromium, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # The child reads commands on fd 3 and writes answers on fd 4. Moved high first, so that
        # neither dup2 overwrites the other pipe end.
        high_r = os.dup2(to_chrome_r, 100)
        high_w = os.dup2(from_chrome_w, 101)

        def child_fds():
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-extensions", "--remote-debugging-pipe", "--user-data-dir=" + profile, "about:blank"]
        self.process = subprocess.Popen([chromium] + flags, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, close_fds=False, preexec_fn=child_fds)
        for fd in (to_chrome_r, from_chrome_w, high_r, high_w):
            os.close(fd)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_event(self, method, session, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    del self.events[i]
                    return event
            self.events.append(self._read_message(deadline))

    def open(self, url):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Page.enable", session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_event("Page.loadEventFired", session)
        result = self.send("Runtime.evaluate", {"expression": TIMINGS_JS, "awaitPromise": True, "returnByValue": True},
                           session=session)
        self.send("Target.closeTarget", {"targetId": target})
        self.events = [e for e in self.events if e.get("sessionId") != session]
        return result["result"]["value"]

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    parser.add_argument("pages", nargs="+")
    args = parser.parse_args()
    if not args.chromium:
        sys.exit("page_load.py: no chromium on this machine (ci/install-deps.sh installs it)")
    urls = ["file://" + os.path.abspath(p) for p in args.pages]
    samples = {url: {"load_ms": [], "frame_ms": []} for url in urls}
    profile = tempfile.mkdtemp(prefix="page_load.")
    browser = Browser(args.chromium, profile)
    try:
        browser.open("about:blank")  # warm-up: the first tab of a browser pays for its start
        for _ in range(args.repeat):
            for url in urls:
                t = browser.open(url)
                samples[url]["load_ms"].append(round(t["load_ms"], 1))
                samples[url]["frame_ms"].append(round(t["frame_ms"], 1))
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)
    for page, url in zip(args.pages, urls):
        s = samples[url]
        print(json.dumps({"page": page, "load_ms": s["load_ms"], "frame_ms": s["frame_ms"],
                          "median_load_ms": statistics.median(s["load_ms"]),
                          "median_frame_ms": statistics.median(s["frame_ms"])}))


if __name__ == "__main__":
    main()
