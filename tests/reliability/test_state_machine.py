"""A Hypothesis state machine over the store: two admins assign, revoke (with repeated
presses and replayed request ids), ban, unban, edit from stale copies, create and revoke
tokens, replace metadata, and crash half way through a write. A plain-Python model is
the oracle; after every step the database must equal it, with exactly one audit entry
and one set of queued commands per effective change.

Each example gets a fresh store: a copy of a seeded SQLite file, or a PostgreSQL
database created from a seeded template.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from fault_tools import fresh_pg_store, pg_admin_engine
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, select, text

from storeadmin.core.errors import AlreadyDone, Conflict, Invalid
from storeadmin.core.models import ItemState, MetadataField
from storeadmin.data import SqlStoreService, audit, open_sql_store
from storeadmin.data.engine import make_engine
from storeadmin.data.schema import (
    AuditRow,
    CommandAttemptRow,
    CustomerRow,
    InventoryItemRow,
    MetadataRow,
    TokenRow,
)
from support import factories
from support.postgres import pg_url

SQLITE_EXAMPLES = 200
PG_EXAMPLES = 25
STEPS = 20
CUSTOMERS = 3
COMMANDS_PER_STAGE = 2
"""The seeded product has one on_purchase and one on_expire command, on two servers."""

ADMINS = ("alice", "bob")
NAMES = ("Alice", "Bob [/]", "[@click=app.quit]x[/]", "Zoë 名字", "100% _legit_", "'; DROP --")
BAD_NAMES = ("Eve\x1b]0;PWNED\x07", "tab\there", "nul\x00", "csi\x9b2J", "del\x7f")
METADATA = st.dictionaries(
    st.sampled_from(("Rank", "Clan", "Note")),
    st.sampled_from(("gold", "[b]x[/b]", "50%_off", "ünï")),
    max_size=3,
)


class Injected(RuntimeError):
    """The crash injected after a write's changes and before its audit row."""


@dataclass
class CustomerModel:
    """What the model believes about one customer."""

    username: str
    version: int = 1
    banned: bool = False
    updated_by: str | None = None
    edited_by: str | None = None
    """The last admin whose edit (name) changed the customer: a stale edit names them."""
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Copy:
    """An admin's copy of a customer, read at ``version`` (edit screens hold these)."""

    customer_id: int
    version: int


@dataclass(frozen=True)
class Seed:
    """Ids of the seeded rows, the same in every copy of the store."""

    customers: tuple[int, ...]
    product: int


def seed(engine: Engine) -> Seed:
    """Customers, and a product with commands on two servers."""
    servers = [factories.game_server(engine, f"Rust #{n}") for n in (1, 2)]
    product = factories.product(engine, server_ids=servers)
    customers = tuple(
        factories.customer(engine, f"Customer{n}", external_id=f"7656119800000010{n}")
        for n in range(CUSTOMERS)
    )
    return Seed(customers=customers, product=product)


StoreFactory = Callable[[], AbstractContextManager[str]]


def make_machine(new_store: StoreFactory, seeded: Seed) -> type[RuleBasedStateMachine]:
    """The machine class, bound to a way of making a fresh seeded store per example."""

    class StoreMachine(RuleBasedStateMachine):
        """Two admins acting on one store; the model is the oracle."""

        items = Bundle("items")
        tokens = Bundle("tokens")
        copies = Bundle("copies")

        def __init__(self) -> None:
            super().__init__()
            self._store = new_store()
            url = self._store.__enter__()
            self.engine = make_engine(url)
            self.admins = {name: SqlStoreService(self.engine, actor=name) for name in ADMINS}
            self.customers = {
                cid: CustomerModel(f"Customer{n}") for n, cid in enumerate(seeded.customers)
            }
            self.item_states: dict[int, ItemState] = {}
            self.item_commands: Counter[int] = Counter()
            self.token_revoked: dict[int, bool] = {}
            self.secrets: list[str] = []
            self.audits: Counter[str] = Counter()
            self.requests = 0

        def teardown(self) -> None:
            self.engine.dispose()
            self._store.__exit__(None, None, None)

        # ------------------------------------------------------------ helpers

        def request_id(self) -> str:
            self.requests += 1
            return f"req-{self.requests}"

        def touch(self, cid: int, actor: str) -> None:
            """The customer row changed: version bump and who did it."""
            self.customers[cid].version += 1
            self.customers[cid].updated_by = actor

        # ------------------------------------------------------------ rules

        @rule(
            target=items,
            customer=st.sampled_from(seeded.customers),
            admin=st.sampled_from(ADMINS),
            replay=st.booleans(),
        )
        def assign(self, customer: int, admin: str, replay: bool) -> Any:
            request = self.request_id()
            service = self.admins[admin]
            if self.customers[customer].banned:
                with pytest.raises(Invalid, match="banned"):
                    service.assign_product(customer, seeded.product, request_id=request)
                return multiple()
            item = service.assign_product(customer, seeded.product, request_id=request)
            assert item.state is ItemState.ACTIVE
            self.item_states[item.id] = ItemState.ACTIVE
            self.item_commands[item.id] += COMMANDS_PER_STAGE
            self.audits["item.assign"] += 1
            if replay:  # the same action delivered twice (a retried request)
                with pytest.raises(AlreadyDone):
                    service.assign_product(customer, seeded.product, request_id=request)
            return item.id

        @rule(
            item=items,
            presses=st.lists(
                st.tuples(st.sampled_from(ADMINS), st.booleans()), min_size=1, max_size=3
            ),
        )
        def revoke(self, item: int, presses: list[tuple[str, bool]]) -> None:
            """Each press is (admin, same request as the previous press?)."""
            request = self.request_id()
            for admin, same_request in presses:
                if not same_request:
                    request = self.request_id()
                service = self.admins[admin]
                if self.item_states[item] is ItemState.ACTIVE:
                    revoked = service.revoke_item(item, reason="refund", request_id=request)
                    assert revoked.state is ItemState.REVOKED
                    self.item_states[item] = ItemState.REVOKED
                    self.item_commands[item] += COMMANDS_PER_STAGE
                    self.audits["item.revoke"] += 1
                else:
                    with pytest.raises(AlreadyDone):
                        service.revoke_item(item, reason="refund", request_id=request)

        @rule(
            customer=st.sampled_from(seeded.customers),
            admins=st.lists(st.sampled_from(ADMINS), min_size=1, max_size=2),
        )
        def ban(self, customer: int, admins: list[str]) -> None:
            for admin in admins:
                service = self.admins[admin]
                if self.customers[customer].banned:
                    with pytest.raises(AlreadyDone, match="already banned"):
                        service.ban_customer(
                            customer, reason="chargeback", request_id=self.request_id()
                        )
                else:
                    service.ban_customer(
                        customer, reason="chargeback", request_id=self.request_id()
                    )
                    self.customers[customer].banned = True
                    self.touch(customer, admin)
                    self.audits["customer.ban"] += 1

        @rule(customer=st.sampled_from(seeded.customers), admin=st.sampled_from(ADMINS))
        def unban(self, customer: int, admin: str) -> None:
            service = self.admins[admin]
            if self.customers[customer].banned:
                service.unban_customer(customer, request_id=self.request_id())
                self.customers[customer].banned = False
                self.touch(customer, admin)
                self.audits["customer.unban"] += 1
            else:
                with pytest.raises(AlreadyDone, match="not banned"):
                    service.unban_customer(customer)

        @rule(
            target=copies, customer=st.sampled_from(seeded.customers), admin=st.sampled_from(ADMINS)
        )
        def open_edit_screen(self, customer: int, admin: str) -> Copy:
            read = self.admins[admin].get_customer(customer).customer
            assert read.version == str(self.customers[customer].version)
            return Copy(customer, int(read.version))  # the SQL store: a counter

        @rule(copy=copies, admin=st.sampled_from(ADMINS), name=st.sampled_from(NAMES))
        def edit(self, copy: Copy, admin: str, name: str) -> None:
            model = self.customers[copy.customer_id]
            service = self.admins[admin]
            if model.version != copy.version:
                with pytest.raises(Conflict) as caught:
                    service.edit_customer(
                        copy.customer_id, expected_version=copy.version, username=name
                    )
                # The refusal names who changed what was edited (and when); when no
                # edit did (a ban moved the version), the customer's last writer.
                writer = model.edited_by or model.updated_by
                assert caught.value.changed_by == writer
                assert caught.value.changed_at is not None
                assert f"changed by {writer}" in str(caught.value)
                return
            edited = service.edit_customer(
                copy.customer_id, expected_version=copy.version, username=name
            )
            assert edited.username == name
            if name != model.username:
                model.username = name
                model.edited_by = admin
                self.touch(copy.customer_id, admin)
                self.audits["customer.edit"] += 1

        @rule(customer=st.sampled_from(seeded.customers), name=st.sampled_from(BAD_NAMES))
        def edit_with_control_characters(self, customer: int, name: str) -> None:
            version = self.customers[customer].version
            with pytest.raises(Invalid):
                self.admins["alice"].edit_customer(
                    customer, expected_version=version, username=name
                )

        @rule(
            target=tokens, customer=st.sampled_from(seeded.customers), admin=st.sampled_from(ADMINS)
        )
        def create_token(self, customer: int, admin: str) -> tuple[int, int]:
            created = self.admins[admin].create_token(customer, label="bot")
            self.secrets.append(created.secret)
            self.token_revoked[created.token.id] = False
            self.audits["token.create"] += 1
            return (customer, created.token.id)

        @rule(token=tokens, admins=st.lists(st.sampled_from(ADMINS), min_size=1, max_size=2))
        def revoke_token(self, token: tuple[int, int], admins: list[str]) -> None:
            customer, token_id = token
            for admin in admins:
                if self.token_revoked[token_id]:
                    with pytest.raises(AlreadyDone):
                        self.admins[admin].revoke_token(customer, token_id)
                else:
                    self.admins[admin].revoke_token(customer, token_id)
                    self.token_revoked[token_id] = True
                    self.audits["token.revoke"] += 1

        @rule(
            customer=st.sampled_from(seeded.customers),
            values=METADATA,
            admin=st.sampled_from(ADMINS),
        )
        def replace_metadata(self, customer: int, values: dict[str, str], admin: str) -> None:
            fields = [MetadataField(key, value) for key, value in values.items()]
            saved = self.admins[admin].replace_metadata(customer, fields)
            assert {f.key: f.value for f in saved} == values
            if values != self.customers[customer].metadata:
                self.customers[customer].metadata = dict(values)
                self.audits["metadata.replace"] += 1

        @rule(
            action=st.sampled_from(
                ("assign", "revoke", "ban", "unban", "edit", "token", "metadata")
            ),
            customer=st.sampled_from(seeded.customers),
        )
        def crash_midway(self, action: str, customer: int) -> None:
            """The write fails after its changes, before its audit row: nothing remains."""
            service = self.admins["alice"]
            model = self.customers[customer]
            active = [iid for iid, state in self.item_states.items() if state is ItemState.ACTIVE]
            calls: dict[str, Callable[[], object]] = {
                "assign": lambda: service.assign_product(customer, seeded.product),
                "revoke": lambda: (
                    service.revoke_item(active[0], reason="crash") if active else None
                ),
                "ban": lambda: service.ban_customer(customer, reason="crash"),
                "unban": lambda: service.unban_customer(customer),
                "edit": lambda: service.edit_customer(
                    customer, expected_version=model.version, username=model.username + "!"
                ),
                "token": lambda: service.create_token(customer, label="crash"),
                "metadata": lambda: service.replace_metadata(
                    customer, [MetadataField("Crash", str(model.version))]
                ),
            }
            with mock.patch.object(audit, "record", side_effect=Injected("injected")):
                try:
                    calls[action]()
                except (Injected, Invalid, AlreadyDone):
                    pass  # a refusal before the crash point is fine too: nothing changes
                else:
                    # Only a revoke with nothing to revoke may skip the crash point.
                    assert action == "revoke", f"{action} did not reach the audit row"
                    assert not active

        # ------------------------------------------------------------ invariants

        @invariant()
        def database_equals_model(self) -> None:
            with self.engine.connect() as connection:
                customers = {
                    str(row.id): (
                        row.username,
                        row.version,
                        row.ban_reason is not None,
                        row.updated_by,
                    )
                    for row in connection.execute(
                        select(
                            CustomerRow.id,
                            CustomerRow.username,
                            CustomerRow.version,
                            CustomerRow.ban_reason,
                            CustomerRow.updated_by,
                        )
                    )
                }
                items = {
                    str(row.id): row.state
                    for row in connection.execute(
                        select(InventoryItemRow.id, InventoryItemRow.state)
                    )
                }
                commands = Counter(
                    str(row.item_id)
                    for row in connection.execute(select(CommandAttemptRow.item_id))
                )
                tokens = connection.execute(
                    select(TokenRow.id, TokenRow.revoked_at, TokenRow.token_hash, TokenRow.prefix)
                ).all()
                metadata: dict[str, dict[str, str]] = {cid: {} for cid in self.customers}
                for row in connection.execute(
                    select(MetadataRow.customer_id, MetadataRow.key, MetadataRow.value)
                ):
                    metadata[str(row.customer_id)][row.key] = row.value
                audit_rows = connection.execute(
                    select(AuditRow.action, AuditRow.before, AuditRow.after, AuditRow.request_id)
                ).all()
            assert customers == {
                cid: (m.username, m.version, m.banned, m.updated_by)
                for cid, m in self.customers.items()
            }
            assert items == {iid: state.value for iid, state in self.item_states.items()}
            assert commands == self.item_commands
            assert {str(row.id): row.revoked_at is not None for row in tokens} == self.token_revoked
            assert metadata == {cid: m.metadata for cid, m in self.customers.items()}
            assert Counter(row.action for row in audit_rows) == self.audits
            # One audit row per request id (the idempotency key).
            request_ids = [row.request_id for row in audit_rows if row.request_id is not None]
            assert len(request_ids) == len(set(request_ids))
            # Secrets: only hashes are stored, and no secret ever reaches the audit log.
            stored = " ".join(f"{row.token_hash} {row.prefix}" for row in tokens)
            logged = " ".join(f"{row.before} {row.after}" for row in audit_rows)
            for secret in self.secrets:
                assert secret not in stored
                assert secret not in logged

    return StoreMachine


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        stateful_step_count=STEPS,
        deadline=None,
        derandomize=True,  # the same examples on every run: CI failures reproduce
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )


def test_store_state_machine_on_sqlite(tmp_path: Path) -> None:
    template = tmp_path / "seeded.sqlite3"
    setup = open_sql_store(str(template), actor="setup")
    try:
        seeded = seed(setup.engine)
    finally:
        setup.close()
    counter = iter(range(10**9))

    @contextmanager
    def new_store() -> Iterator[str]:
        path = tmp_path / f"example{next(counter)}.sqlite3"
        shutil.copyfile(template, path)  # cheaper than migrating: one file copy per example
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    run_state_machine_as_test(make_machine(new_store, seeded), settings=_settings(SQLITE_EXAMPLES))


@pytest.mark.postgres
def test_store_state_machine_on_postgresql(pg_template: str) -> None:
    assert pg_url()
    with fresh_pg_store(pg_template) as seeded_url:
        setup = open_sql_store(seeded_url, actor="setup")
        try:
            seeded = seed(setup.engine)
        finally:
            setup.close()
        seeded_db = seeded_url.rsplit("/", 1)[1]
        admin = pg_admin_engine()
        try:
            # No session may be connected to a database used as a template.
            with admin.connect() as connection:
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :db AND pid <> pg_backend_pid()"
                    ),
                    {"db": seeded_db},
                )
        finally:
            admin.dispose()

        def new_store() -> AbstractContextManager[str]:
            return fresh_pg_store(seeded_db)

        run_state_machine_as_test(make_machine(new_store, seeded), settings=_settings(PG_EXAMPLES))
