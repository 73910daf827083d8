-- stockflow's current SQLite schema, version 6 (PRAGMA user_version = 6):
-- what `init` runs on a new file. Older files reach the same schema through
-- the upgrades in src/store/sqlite/mod.rs (a test compares the two); a change
-- here is a new version: bump it and append the matching upgrade.
--
-- Rules the database can hold are held here, not only in Rust:
-- exact money (integer cents), timestamps as integer Unix seconds (UTC),
-- tenancy through composite foreign keys, one primary supplier per product,
-- case-insensitive SKU uniqueness, non-negative stock and an append-only ledger.

CREATE TABLE company (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    default_threshold INTEGER CHECK (default_threshold >= 0),
    created_at        INTEGER NOT NULL
) STRICT;

CREATE TABLE warehouse (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES company (id),
    name       TEXT    NOT NULL COLLATE NOCASE CHECK (length(trim(name)) > 0),
    location   TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (company_id, name),
    UNIQUE (id, company_id)
) STRICT;

CREATE TABLE supplier (
    id            INTEGER PRIMARY KEY,
    company_id    INTEGER NOT NULL REFERENCES company (id),
    name          TEXT    NOT NULL COLLATE NOCASE CHECK (length(trim(name)) > 0),
    contact_email TEXT CHECK (contact_email LIKE '_%@_%'),
    phone         TEXT,
    created_at    INTEGER NOT NULL,
    UNIQUE (company_id, name),
    UNIQUE (id, company_id)
) STRICT;

-- sku_key is the SKU folded to lower case (Unicode, by stockflow): its UNIQUE
-- constraint is what makes SKUs unique platform-wide, case-insensitively.
CREATE TABLE product (
    id          INTEGER PRIMARY KEY,
    company_id  INTEGER NOT NULL REFERENCES company (id),
    sku         TEXT    NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
    sku_key     TEXT    NOT NULL UNIQUE CHECK (sku_key = lower(sku_key)),
    name        TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    price_cents INTEGER NOT NULL CHECK (price_cents BETWEEN 0 AND 9999999999),
    type        TEXT COLLATE NOCASE,
    threshold   INTEGER CHECK (threshold >= 0),
    is_bundle   INTEGER NOT NULL DEFAULT 0 CHECK (is_bundle BETWEEN 0 AND 1),
    archived    INTEGER NOT NULL DEFAULT 0 CHECK (archived BETWEEN 0 AND 1),
    created_at  INTEGER NOT NULL,
    UNIQUE (id, company_id)
) STRICT;
CREATE INDEX product_company ON product (company_id, sku_key);

-- Terms of supply (version 6): pack_size, the supplier sells whole packs
-- only; min_order_quantity, no order smaller.
CREATE TABLE product_supplier (
    product_id     INTEGER NOT NULL,
    supplier_id    INTEGER NOT NULL,
    company_id     INTEGER NOT NULL,
    is_primary     INTEGER NOT NULL DEFAULT 0 CHECK (is_primary BETWEEN 0 AND 1),
    lead_time_days INTEGER CHECK (lead_time_days >= 0),
    cost_cents     INTEGER CHECK (cost_cents BETWEEN 0 AND 9999999999),
    pack_size          INTEGER NOT NULL DEFAULT 1 CHECK (pack_size BETWEEN 1 AND 1000000000),
    min_order_quantity INTEGER NOT NULL DEFAULT 0 CHECK (min_order_quantity BETWEEN 0 AND 1000000000),
    PRIMARY KEY (product_id, supplier_id),
    FOREIGN KEY (product_id, company_id) REFERENCES product (id, company_id),
    FOREIGN KEY (supplier_id, company_id) REFERENCES supplier (id, company_id)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX product_one_primary_supplier ON product_supplier (product_id) WHERE is_primary = 1;
CREATE INDEX product_supplier_supplier ON product_supplier (supplier_id);

CREATE TABLE bundle_component (
    bundle_id    INTEGER NOT NULL,
    component_id INTEGER NOT NULL,
    company_id   INTEGER NOT NULL,
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (bundle_id, component_id),
    CHECK (bundle_id <> component_id),
    FOREIGN KEY (bundle_id, company_id) REFERENCES product (id, company_id),
    FOREIGN KEY (component_id, company_id) REFERENCES product (id, company_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX bundle_component_component ON bundle_component (component_id);

CREATE TABLE type_threshold (
    company_id INTEGER NOT NULL REFERENCES company (id),
    type       TEXT    NOT NULL COLLATE NOCASE,
    quantity   INTEGER NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (company_id, type)
) STRICT, WITHOUT ROWID;

CREATE TABLE inventory (
    product_id   INTEGER NOT NULL,
    warehouse_id INTEGER NOT NULL,
    company_id   INTEGER NOT NULL,
    quantity     INTEGER NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (product_id, warehouse_id),
    FOREIGN KEY (product_id, company_id) REFERENCES product (id, company_id),
    FOREIGN KEY (warehouse_id, company_id) REFERENCES warehouse (id, company_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX inventory_company ON inventory (company_id, warehouse_id);
CREATE INDEX inventory_warehouse ON inventory (warehouse_id);

-- max_quantity (version 6): the most the pair should hold; a reorder never
-- aims above it.
CREATE TABLE location_threshold (
    product_id   INTEGER NOT NULL,
    warehouse_id INTEGER NOT NULL,
    company_id   INTEGER NOT NULL,
    quantity     INTEGER NOT NULL CHECK (quantity >= 0),
    max_quantity INTEGER CHECK (max_quantity >= quantity),
    PRIMARY KEY (product_id, warehouse_id),
    FOREIGN KEY (product_id, company_id) REFERENCES product (id, company_id),
    FOREIGN KEY (warehouse_id, company_id) REFERENCES warehouse (id, company_id)
) STRICT, WITHOUT ROWID;

-- The append-only ledger. Each reason's sign is a CHECK; UPDATE and DELETE
-- are refused by triggers. bundle_id names the bundle a component movement
-- was sold or returned through. The foreign keys point at the rowid tables
-- (a look-up per insert is nearly free there); that every movement's pair has
-- an inventory row is verified by `stockflow check`, because a composite key
-- into the inventory index more than doubled the cost of a batch.
CREATE TABLE movement (
    id           INTEGER PRIMARY KEY,
    product_id   INTEGER NOT NULL,
    warehouse_id INTEGER NOT NULL,
    delta        INTEGER NOT NULL CHECK (delta <> 0),
    -- A CASE, not IN lists: an IN list builds a temporary b-tree on every
    -- insert, which tripled the cost of a batch.
    reason       TEXT    NOT NULL CHECK (CASE reason
        WHEN 'sale' THEN delta < 0
        WHEN 'receipt' THEN delta > 0
        WHEN 'return' THEN delta > 0
        WHEN 'damage' THEN delta < 0
        WHEN 'correction' THEN 1
        WHEN 'initial' THEN delta > 0
        WHEN 'transfer_out' THEN delta < 0
        WHEN 'transfer_in' THEN delta > 0
        WHEN 'count' THEN 1
        ELSE 0 END),
    note         TEXT,
    reference    TEXT,
    actor        TEXT    NOT NULL,
    occurred_at  INTEGER NOT NULL,
    recorded_at  INTEGER NOT NULL,
    bundle_id    INTEGER REFERENCES product (id),
    FOREIGN KEY (product_id) REFERENCES product (id),
    FOREIGN KEY (warehouse_id) REFERENCES warehouse (id)
) STRICT;
-- Alerts sum each (product, warehouse)'s sales over a time window; history
-- filters by product and time; check sums each pair's deltas.
CREATE INDEX movement_pair_time ON movement (product_id, warehouse_id, occurred_at, reason, delta);
CREATE INDEX movement_time ON movement (occurred_at);
-- `stock history --sku BUNDLE` finds a bundle's movements without a scan of
-- the ledger, newest first (version 2).
CREATE INDEX movement_bundle ON movement (bundle_id, occurred_at) WHERE bundle_id IS NOT NULL;

CREATE TRIGGER movement_append_only_update BEFORE UPDATE ON movement
BEGIN
    SELECT RAISE(ABORT, 'the movement ledger is append-only');
END;
CREATE TRIGGER movement_append_only_delete BEFORE DELETE ON movement
BEGIN
    SELECT RAISE(ABORT, 'the movement ledger is append-only');
END;

-- API tokens (only a SHA-256 of each is stored) and the idempotency keys of
-- API writes, kept with the stored response (`stockflow serve`, version 4).
CREATE TABLE api_token (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES company (id),
    name       TEXT,
    hash       BLOB    NOT NULL UNIQUE CHECK (length(hash) = 32),
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
) STRICT;
CREATE TABLE idempotency_key (
    company_id   INTEGER NOT NULL REFERENCES company (id),
    key          TEXT    NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash BLOB    NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT    NOT NULL,
    location     TEXT,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (company_id, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX idempotency_key_age ON idempotency_key (created_at);

-- Purchase orders (version 6): one company's order to one of its suppliers
-- for one of its warehouses. status is open until every line is received
-- (received) or it is closed (closed: nothing more is expected).
CREATE TABLE purchase_order (
    id                INTEGER PRIMARY KEY,
    company_id        INTEGER NOT NULL REFERENCES company (id),
    supplier_id       INTEGER NOT NULL,
    warehouse_id      INTEGER NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('open', 'received', 'closed')),
    reference         TEXT CHECK (length(reference) <= 1000),
    ordered_at        INTEGER NOT NULL,
    expected_at       INTEGER,
    first_received_at INTEGER,
    closed_at         INTEGER,
    created_at        INTEGER NOT NULL,
    UNIQUE (id, company_id),
    FOREIGN KEY (supplier_id, company_id) REFERENCES supplier (id, company_id),
    FOREIGN KEY (warehouse_id, company_id) REFERENCES warehouse (id, company_id)
) STRICT;
CREATE INDEX purchase_order_company ON purchase_order (company_id, status);
CREATE INDEX purchase_order_supplier ON purchase_order (supplier_id, ordered_at);
-- What is on order per (product, warehouse) sums the open orders' lines.
CREATE INDEX purchase_order_open ON purchase_order (warehouse_id) WHERE status = 'open';

-- An order's lines, each product once, in the order given (line_no).
CREATE TABLE purchase_order_line (
    order_id        INTEGER NOT NULL,
    product_id      INTEGER NOT NULL,
    company_id      INTEGER NOT NULL,
    line_no         INTEGER NOT NULL CHECK (line_no >= 1),
    quantity        INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 1000000000000),
    received        INTEGER NOT NULL DEFAULT 0 CHECK (received BETWEEN 0 AND quantity),
    unit_cost_cents INTEGER CHECK (unit_cost_cents BETWEEN 0 AND 9999999999),
    PRIMARY KEY (order_id, product_id),
    UNIQUE (order_id, line_no),
    FOREIGN KEY (order_id, company_id) REFERENCES purchase_order (id, company_id),
    FOREIGN KEY (product_id, company_id) REFERENCES product (id, company_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX purchase_order_line_product ON purchase_order_line (product_id);

-- Which receipt movement received which order line (version 6): `check`
-- holds each line's received quantity to the sum of its receipts, and the
-- line's unit cost is the cost of the units that movement brought in.
CREATE TABLE purchase_receipt (
    movement_id INTEGER PRIMARY KEY REFERENCES movement (id),
    order_id    INTEGER NOT NULL,
    product_id  INTEGER NOT NULL,
    FOREIGN KEY (order_id, product_id) REFERENCES purchase_order_line (order_id, product_id)
) STRICT;
CREATE INDEX purchase_receipt_line ON purchase_receipt (order_id, product_id);
