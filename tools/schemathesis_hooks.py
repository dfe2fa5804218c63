"""Schemathesis hooks for `cargo xtask schemathesis`.

Schemathesis percent-encodes every query value and ignores the spec's `allowReserved`, which the
`cursor` parameter carries: a page token goes back exactly as received, its `%XX` escapes as they
are. Given the token decoded once, Schemathesis puts that on the wire (what a server reads is the
same), so its examples reach real pages instead of sending `0%253A...` for `0%3A...`.
"""

from urllib.parse import unquote

import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    """Hands Schemathesis the `cursor` decoded once, so it goes out as received."""
    cursor = (case.query or {}).get("cursor")
    if isinstance(cursor, str):
        case.query["cursor"] = unquote(cursor)
