/**
 * Migration 1: the initial schema (architecture §8). Conventions:
 * - every table has `id INTEGER PRIMARY KEY` (an alias of SQLite's rowid), natural keys are UNIQUE
 *   constraints beside it, so rows can be referenced cheaply and renamed things keep their identity;
 * - times are INTEGER milliseconds since the Unix epoch, UTC (compact, and interval arithmetic in the
 *   usage report is plain subtraction);
 * - booleans are INTEGER 0/1 with a CHECK; vocabularies that will grow (actions, channels, states) are
 *   validated in TypeScript, not by CHECK, so extending them needs no table rebuild;
 * - intervals (`valid_from`, `valid_to`) are half-open; `valid_to` is NULL while the interval is open.
 */
export const MIGRATION_0001_INIT = `
-- 'AVMA' in ASCII: marks the file as ours so the agent never migrates someone else's database.
PRAGMA application_id = 1096174913;

CREATE TABLE hosts (
  id          INTEGER PRIMARY KEY,
  -- Windows computer names are case-insensitive.
  name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  first_seen  INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL
);

-- Host facts as intervals: a new row only when a fact changes.
CREATE TABLE host_facts (
  id               INTEGER PRIMARY KEY,
  host_id          INTEGER NOT NULL REFERENCES hosts(id),
  valid_from       INTEGER NOT NULL,
  valid_to         INTEGER CHECK (valid_to IS NULL OR valid_to >= valid_from),
  version          TEXT,
  build            INTEGER,
  edition          TEXT,
  activated        INTEGER NOT NULL CHECK (activated IN (0, 1)),
  sockets          INTEGER NOT NULL CHECK (sockets >= 1),
  -- JSON array of physical cores, one entry per socket.
  cores_per_socket TEXT    NOT NULL,
  cluster          TEXT
);
CREATE UNIQUE INDEX host_facts_open ON host_facts(host_id) WHERE valid_to IS NULL;
CREATE INDEX host_facts_host_time ON host_facts(host_id, valid_from);

CREATE TABLE vms (
  id            INTEGER PRIMARY KEY,
  -- Hyper-V VM GUID, lower case: stable across renames and migrations.
  guid          TEXT    NOT NULL UNIQUE,
  tenant        TEXT,
  first_seen    INTEGER NOT NULL,
  last_seen     INTEGER NOT NULL,
  deleted_at    INTEGER,
  opted_out     INTEGER NOT NULL DEFAULT 0 CHECK (opted_out IN (0, 1)),
  -- Set after the guest's AVMA key was replaced by another key, until an operator allows AVMA again.
  avma_blocked  INTEGER NOT NULL DEFAULT 0 CHECK (avma_blocked IN (0, 1))
);

CREATE TABLE vm_names (
  id          INTEGER PRIMARY KEY,
  vm_id       INTEGER NOT NULL REFERENCES vms(id),
  name        TEXT    NOT NULL,
  valid_from  INTEGER NOT NULL,
  valid_to    INTEGER CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX vm_names_open ON vm_names(vm_id) WHERE valid_to IS NULL;
CREATE INDEX vm_names_vm_time ON vm_names(vm_id, valid_from);
CREATE INDEX vm_names_name ON vm_names(name COLLATE NOCASE);

-- What the agent saw of a VM, as intervals: a new row only when one of the observed fields changes,
-- otherwise only last_seen moves. At most one open interval per VM.
CREATE TABLE observations (
  id              INTEGER PRIMARY KEY,
  vm_id           INTEGER NOT NULL REFERENCES vms(id),
  host_id         INTEGER NOT NULL REFERENCES hosts(id),
  valid_from      INTEGER NOT NULL,
  last_seen       INTEGER NOT NULL CHECK (last_seen >= valid_from),
  valid_to        INTEGER CHECK (valid_to IS NULL OR valid_to >= last_seen),
  state           TEXT    NOT NULL,
  data_exchange   INTEGER NOT NULL CHECK (data_exchange IN (0, 1)),
  os              TEXT    NOT NULL,
  version         TEXT,
  edition         TEXT,
  evaluation      INTEGER CHECK (evaluation IS NULL OR evaluation IN (0, 1)),
  license_status  TEXT    NOT NULL,
  channel         TEXT    NOT NULL,
  eligible        INTEGER NOT NULL CHECK (eligible IN (0, 1)),
  reasons         TEXT    NOT NULL,
  key_pushed      INTEGER NOT NULL CHECK (key_pushed IN (0, 1)),
  kvp_wiped       INTEGER NOT NULL CHECK (kvp_wiped IN (0, 1)),
  problems        TEXT    NOT NULL
);
CREATE UNIQUE INDEX observations_open ON observations(vm_id) WHERE valid_to IS NULL;
CREATE INDEX observations_vm_time ON observations(vm_id, valid_from);
CREATE INDEX observations_time ON observations(valid_from, last_seen);

-- Latest raw KVP items per VM and pool, rewritten only when their hash changes.
CREATE TABLE kvp_latest (
  id          INTEGER PRIMARY KEY,
  vm_id       INTEGER NOT NULL REFERENCES vms(id),
  pool        TEXT    NOT NULL,
  items       TEXT    NOT NULL,
  sha256      TEXT    NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (vm_id, pool)
);

-- Host 12310, guest 12309 and the agent's own audit events. origin is the host name (host events),
-- the VM GUID (guest events) or 'agent'. log_epoch counts clears of the source log, because record ids
-- restart at 1 after a clear and must not be mistaken for duplicates.
CREATE TABLE events (
  id            INTEGER PRIMARY KEY,
  source        TEXT    NOT NULL CHECK (source IN ('host', 'guest', 'agent')),
  origin        TEXT    NOT NULL,
  log_epoch     INTEGER NOT NULL DEFAULT 0,
  record_id     INTEGER NOT NULL,
  event_id      INTEGER,
  time          INTEGER NOT NULL,
  vm_id         INTEGER REFERENCES vms(id),
  host_id       INTEGER REFERENCES hosts(id),
  notification  TEXT,
  hresult       TEXT,
  message       TEXT    NOT NULL,
  UNIQUE (source, origin, log_epoch, record_id)
);
CREATE INDEX events_time ON events(time, id);
CREATE INDEX events_vm ON events(vm_id);

-- Audit trail of everything the agent or an operator did: who, what, when, why.
CREATE TABLE actions (
  id       INTEGER PRIMARY KEY,
  at       INTEGER NOT NULL,
  actor    TEXT    NOT NULL,
  vm_id    INTEGER REFERENCES vms(id),
  host_id  INTEGER REFERENCES hosts(id),
  action   TEXT    NOT NULL,
  reason   TEXT    NOT NULL,
  details  TEXT    NOT NULL
);
CREATE INDEX actions_vm ON actions(vm_id, at);

-- Last event record read per host and log, advanced in the transaction that stores those events.
CREATE TABLE bookmarks (
  id          INTEGER PRIMARY KEY,
  host_id     INTEGER NOT NULL REFERENCES hosts(id),
  log         TEXT    NOT NULL,
  log_epoch   INTEGER NOT NULL DEFAULT 0,
  record_id   INTEGER NOT NULL CHECK (record_id >= 0),
  updated_at  INTEGER NOT NULL,
  UNIQUE (host_id, log)
);

-- Closed SPLA months: the frozen report and its hash. Rows can be added, never changed or removed.
CREATE TABLE month_closes (
  id         INTEGER PRIMARY KEY,
  month      TEXT    NOT NULL UNIQUE,
  closed_at  INTEGER NOT NULL,
  report     TEXT    NOT NULL,
  sha256     TEXT    NOT NULL
);
CREATE TRIGGER month_closes_no_update BEFORE UPDATE ON month_closes
BEGIN SELECT RAISE(ABORT, 'a closed month is immutable'); END;
CREATE TRIGGER month_closes_no_delete BEFORE DELETE ON month_closes
BEGIN SELECT RAISE(ABORT, 'a closed month is immutable'); END;
`;
