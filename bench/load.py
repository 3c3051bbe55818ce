"""A small load generator (standard library only): simulated users, each signed in once
through the login form, each on its own keep-alive connection, requesting the pages of
a mix in turn for a fixed duration, with a pause between two pages (``--think``, 0 for
none: the server saturated); latency percentiles and errors per page.

    python bench/load.py --base http://127.0.0.1:8765 --username U --password P \
        --pages pages.json --users 20 --duration 30

With ``--tokens tokens.json`` (a JSON list of API access tokens) instead of a username
and a password, the simulated users are programs calling the REST API: each sends
``Authorization: Bearer <token>`` with every request, a token of its own when there are
enough (the API throttles per token), and never signs in.
"""

import argparse
import http.client
import json
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie

# What a request on a connection the server closed while idle fails with, before any answer.
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One simulated user: a keep-alive connection and its cookies."""

    def __init__(self, host, port, timeout=60, headers=None):
        self.host, self.port, self.timeout = host, port, timeout
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)
        self.cookies = {}
        self.headers = dict(headers or {})  # sent with every request

    def request(self, method, path, body=None, headers=None):
        status, _headers, data = self.send(method, path, body=body, headers=headers)
        return status, data

    def send(self, method, path, body=None, headers=None):
        """The status, the headers and the body of the answer."""
        headers = {**self.headers, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        reused = self.connection.sock is not None
        sent = time.perf_counter()
        try:
            response = self._exchange(method, path, body, headers)
        except STALE:
            # The server closed the kept-alive connection while it was idle (its
            # keep-alive timeout) and the request found it closed at once: a browser
            # sends it again on a new connection. A worker that dies while answering
            # fails later, and stays an error.
            if not reused or time.perf_counter() - sent > 1:
                raise
            response = self._exchange(method, path, body, headers)
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, data

    def _exchange(self, method, path, body, headers):
        try:
            self.connection.request(method, path, body=body, headers=headers)
            return self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self._reconnect()
            raise

    def _reconnect(self):
        self.connection.close()
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def sign_in(self, username, password):
        status, page = self.request("GET", "/accounts/login/")
        match = TOKEN.search(page.decode())
        if status != 200 or not match:
            raise RuntimeError(f"login page: {status}")
        body = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)}
        )
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{self.host}:{self.port}/accounts/login/",
            },
        )
        if status != 302:
            raise RuntimeError(f"sign-in refused: {status}")


def run(base, username, password, pages, users, duration, think=0.0, stop=None, tokens=None):
    """``stop``, a ``threading.Event``: ends the load before ``duration`` when set.
    ``tokens``: API access tokens to send instead of signing in."""
    parsed = urllib.parse.urlparse(base)
    host, port = parsed.hostname, parsed.port or 80
    browsers = []
    for index in range(users):  # one sign-in per simulated user, before the clock starts
        if tokens:
            token = tokens[index % len(tokens)]
            browsers.append(Browser(host, port, headers={"Authorization": f"Bearer {token}"}))
            continue
        browser = Browser(host, port)
        browser.sign_in(username, password)
        browsers.append(browser)
    # Drop the pages the application does not serve (yet), with a line saying so.
    missing = {}
    probe = browsers[0]
    mix = []
    for name, urls in pages.items():
        if not urls:
            missing[name] = "no record to request"
            continue
        try:
            status, _ = probe.request("GET", urls[0])
        except (http.client.HTTPException, OSError) as error:
            missing[name] = f"not measured: {error.__class__.__name__} (a timeout of the server?)"
            continue
        if status != 200:
            missing[name] = f"not measured: {status}"
            continue
        mix.append((name, urls))
    samples = {name: [] for name, _urls in mix}
    errors = {name: 0 for name, _urls in mix}
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def user(index, browser):
        turn = index  # each user starts at another page of the mix
        pause = random.Random(index)
        while time.perf_counter() < deadline and not (stop and stop.is_set()):
            name, urls = mix[turn % len(mix)]
            url = urls[(turn // len(mix)) % len(urls)]
            turn += 1
            started = time.perf_counter()
            try:
                status, _ = browser.request("GET", url)
                ok = status == 200
            except (http.client.HTTPException, OSError):
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                samples[name].append(elapsed)
                if not ok:
                    errors[name] += 1
            if think:
                # A person reads the page before the next click: 0.5 to 1.5 times ``think``.
                time.sleep(think * pause.uniform(0.5, 1.5))

    threads = [
        threading.Thread(target=user, args=(i, b), daemon=True) for i, b in enumerate(browsers)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    result = {
        "users": users,
        "think_s": think,
        "duration_s": round(elapsed, 1),
        "pages": {},
        "missing": missing,
    }
    everything = []
    for name, times in samples.items():
        everything.extend(times)
        result["pages"][name] = _summary(times, errors[name])
    result["all"] = _summary(everything, sum(errors.values()))
    result["requests_per_s"] = round(len(everything) / elapsed, 1) if elapsed else None
    return result


def _summary(times, errors):
    if not times:
        return {"requests": 0, "errors": errors, "median_ms": None, "p95_ms": None}
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return {
        "requests": len(times),
        "errors": errors,
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument("--tokens", help="JSON file: [API access tokens], instead of signing in")
    parser.add_argument("--pages", required=True, help="JSON file: {page name: [urls]}")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument(
        "--think", type=float, default=1.0, help="Mean pause between two pages (seconds)."
    )
    args = parser.parse_args()
    tokens = None
    if args.tokens:
        with open(args.tokens) as handle:
            tokens = json.load(handle)
    elif not (args.username and args.password):
        parser.error("give --username and --password, or --tokens")
    with open(args.pages) as handle:
        pages = json.load(handle)
    result = run(
        args.base, args.username, args.password, pages, args.users, args.duration, args.think,
        tokens=tokens,
    )  # fmt: skip
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
