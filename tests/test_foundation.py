"""The package imports, migrates on both backends, and keeps its core framework-free."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import inspect

from storeadmin.data import SqlStoreService, migrate


def test_core_imports_no_framework() -> None:
    code = (
        "import sys, storeadmin.core.models, storeadmin.core.service, storeadmin.core.errors, "
        "storeadmin.core.money, storeadmin.core.identifiers, storeadmin.config\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'sqlalchemy'))\n"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_store_is_migrated_to_head(service: SqlStoreService) -> None:
    status = migrate.schema_status(service.engine)
    assert status.state is migrate.SchemaState.CURRENT
    tables = set(inspect(service.engine).get_table_names())
    assert {"customers", "orders", "inventory_items", "audit_log"} <= tables


def test_downgrade_and_upgrade_again(service: SqlStoreService) -> None:
    migrate.downgrade(service.engine, "base")
    assert "customers" not in inspect(service.engine).get_table_names()
    migrate.upgrade(service.engine)
    assert migrate.schema_status(service.engine).state is migrate.SchemaState.CURRENT
