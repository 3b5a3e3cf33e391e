"""An audit entry in words, as History shows it: "banned", "ban lifted", "name changed:
Bob → Rob", "metadata: 2 keys changed" — not ``banned: False → True``.

Actions this module does not know fall back to the fields that changed
(:func:`change_summary`), so a new action is never shown blank.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from storeadmin.core.models import AuditEntry

Values = Mapping[str, object]

FIELD_NAMES = {"username": "name", "external_id": "platform ID", "platform": "platform"}
"""How History names a customer field that an edit changed."""


def short(value: object, limit: int = 24) -> str:
    """A compact form of one audited value."""
    text = "∅" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def change_summary(before: Values | None, after: Values | None) -> str:
    """``name: Bob → Rob; ban: ∅ → cheating``: the fields that changed, in key order."""
    before, after = before or {}, after or {}
    parts = [
        f"{key}: {short(before.get(key))} → {short(after.get(key))}"
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    ]
    return "; ".join(parts)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _edit(before: Values, after: Values) -> str:
    parts = [
        f"{FIELD_NAMES.get(key, key)} changed: {short(before.get(key))} → {short(after.get(key))}"
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    ]
    return "; ".join(parts) or "edited"


def _ban(before: Values, after: Values) -> str:
    until = after.get("until")
    return f"banned until {short(until)}" if until else "banned"


def _metadata(before: Values, after: Values) -> str:
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    added = {k for k in changed if k not in before}
    removed = {k for k in changed if k not in after}
    if len(changed) == 1:
        (key,) = changed
        verb = "added" if key in added else "removed" if key in removed else "changed"
        return f"metadata: {short(key)} {verb}"
    details = [
        f"{len(added)} added" if added else "",
        f"{len(removed)} removed" if removed else "",
    ]
    extra = ", ".join(d for d in details if d)
    return f"metadata: {_plural(len(changed), 'key')} changed" + (f" ({extra})" if extra else "")


def _commands(after: Values, kind: str) -> str:
    queued = after.get("commands_queued")
    if isinstance(queued, int) and queued:
        return f"; {_plural(queued, kind)} queued"
    return ""


def _product(verb: str, after: Values) -> str:
    product = after.get("product")
    return f"{verb} {short(product, 40)}" if product else verb


def _assign(before: Values, after: Values) -> str:
    return _product("assigned", after) + _commands(after, "command")


def _revoke(before: Values, after: Values) -> str:
    return _product("revoked", after) + _commands(after, "removal command")


def _expire(before: Values, after: Values) -> str:
    return "expired" + _commands(after, "removal command")


def _revoke_all(before: Values, after: Values) -> str:
    count = after.get("count")
    return f"{_plural(count, 'token')} revoked" if isinstance(count, int) else "tokens revoked"


def _fixed(text: str) -> Callable[[Values, Values], str]:
    return lambda before, after: text


DESCRIBE: dict[str, Callable[[Values, Values], str]] = {
    "customer.edit": _edit,
    "customer.ban": _ban,
    "customer.unban": _fixed("ban lifted"),
    "metadata.replace": _metadata,
    "customer.metadata": _metadata,
    "item.assign": _assign,
    "item.revoke": _revoke,
    "item.expire": _expire,
    "token.create": _fixed("token created"),
    "token.revoke": _fixed("token revoked"),
    "token.revoke_all": _revoke_all,
    "command.resend": _fixed("command resent"),
    "command.cancel": _fixed("command canceled (unqueued)"),
}
"""Action → its words, from the entry's before and after."""


def describe(entry: AuditEntry) -> str:
    """What the entry did, in words (a failed write: what failed and why)."""
    before, after = entry.before or {}, entry.after or {}
    if entry.action.endswith(".failed"):
        return f"failed: {short(after.get('outcome'), 60)}"
    words = DESCRIBE.get(entry.action)
    if words is None:
        return change_summary(before, after)
    return words(before, after)
