#!/usr/bin/env python3
"""A stand-in for a web browser, for the OAuth2 sign-in tests: `browser.py URL` (it is
meant to be $BROWSER) fetches URL, following redirects, as a browser would once the user
approved: the authorization server's 302 to the application's loopback listener
(http://127.0.0.1:PORT/?code=...) is followed and fetched too.

Prints nothing and exits 0 when every request got a 2xx answer; an error page (4xx, 5xx,
from the server or the listener) is named on stderr, still with exit status 0, as a
browser shows it and goes on; exits 1, saying why on stderr, on a network error (refused,
reset, timed out, a malformed answer).
Only the standard library, so that any python3 runs it.
"""

import http.client
import sys
import urllib.error
import urllib.request


def main():
    if len(sys.argv) != 2:
        print("usage: browser.py URL", file=sys.stderr)
        return 2
    url = sys.argv[1]
    # No proxy: everything here is on loopback.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=30) as response:
            response.read()
    except urllib.error.HTTPError as e:
        # An answer, only not a 2xx one (the listener's or the server's error page).
        e.read()
        print(f"browser.py: {e.url}: HTTP {e.code}", file=sys.stderr)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as e:
        print(f"browser.py: {url}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
