"""Bodies schemathesis cannot build on its own: raw mail for the inbound
door and zlib-compressed XML for the inventory door. Loaded by
tests/schemathesis.sh (SCHEMATHESIS_HOOKS); what is generated is text, sent
as the bytes the door reads."""
import zlib

import schemathesis


def _bytes(value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return repr(value).encode()


@schemathesis.serializer("message/rfc822")
def rfc822(ctx, value):
    return {"data": _bytes(value)}


@schemathesis.serializer("application/x-compress-zlib")
def compressed(ctx, value):
    return {"data": zlib.compress(_bytes(value))}
