/**
 * PostgreSQL migration 1: the schema SQLite reaches after its migrations 1-6, in PostgreSQL's terms, so
 * every query above the SQL reads the same columns. Differences a reader should know:
 * - ids are `bigint GENERATED ALWAYS AS IDENTITY` where SQLite has rowid aliases (`avma db copy`
 *   inserts SQLite's ids with OVERRIDING SYSTEM VALUE and moves the identity past them);
 * - times stay bigint milliseconds and booleans smallint 0/1 with the same CHECKs, so decoding is shared;
 * - JSON columns stay `text`: the month close's hash covers the exact stored text, which jsonb would
 *   normalise; queries cast to jsonb where they look inside;
 * - SQLite's `COLLATE NOCASE` becomes a unique index on lower(name);
 * - the immutable tables refuse UPDATE and DELETE with a trigger, as in SQLite.
 */
export const PG_MIGRATION_0001_INIT = `
CREATE TABLE hosts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text   NOT NULL,
  first_seen  bigint NOT NULL,
  last_seen   bigint NOT NULL
);
-- Windows computer names are case-insensitive.
CREATE UNIQUE INDEX hosts_name ON hosts (lower(name));

CREATE TABLE host_facts (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  host_id          bigint   NOT NULL REFERENCES hosts(id),
  valid_from       bigint   NOT NULL,
  valid_to         bigint   CHECK (valid_to IS NULL OR valid_to >= valid_from),
  version          text,
  build            bigint,
  edition          text,
  activated        smallint NOT NULL CHECK (activated IN (0, 1)),
  sockets          integer  NOT NULL CHECK (sockets >= 1),
  cores_per_socket text     NOT NULL,
  cluster          text
);
CREATE UNIQUE INDEX host_facts_open ON host_facts(host_id) WHERE valid_to IS NULL;
CREATE INDEX host_facts_host_time ON host_facts(host_id, valid_from);

CREATE TABLE vms (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  guid          text     NOT NULL UNIQUE,
  tenant        text,
  first_seen    bigint   NOT NULL,
  last_seen     bigint   NOT NULL,
  deleted_at    bigint,
  opted_out     smallint NOT NULL DEFAULT 0 CHECK (opted_out IN (0, 1)),
  avma_blocked  smallint NOT NULL DEFAULT 0 CHECK (avma_blocked IN (0, 1))
);

CREATE TABLE vm_names (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  vm_id       bigint NOT NULL REFERENCES vms(id),
  name        text   NOT NULL,
  valid_from  bigint NOT NULL,
  valid_to    bigint CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX vm_names_open ON vm_names(vm_id) WHERE valid_to IS NULL;
CREATE INDEX vm_names_vm_time ON vm_names(vm_id, valid_from);
CREATE INDEX vm_names_name ON vm_names(lower(name));

CREATE TABLE observations (
  id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  vm_id                  bigint   NOT NULL REFERENCES vms(id),
  host_id                bigint   NOT NULL REFERENCES hosts(id),
  valid_from             bigint   NOT NULL,
  last_seen              bigint   NOT NULL CHECK (last_seen >= valid_from),
  valid_to               bigint   CHECK (valid_to IS NULL OR valid_to >= last_seen),
  state                  text     NOT NULL,
  data_exchange          smallint NOT NULL CHECK (data_exchange IN (0, 1)),
  os                     text     NOT NULL,
  version                text,
  edition                text,
  evaluation             smallint CHECK (evaluation IS NULL OR evaluation IN (0, 1)),
  license_status         text     NOT NULL,
  channel                text     NOT NULL,
  eligible               smallint NOT NULL CHECK (eligible IN (0, 1)),
  reasons                text     NOT NULL,
  key_pushed             smallint NOT NULL CHECK (key_pushed IN (0, 1)),
  kvp_wiped              smallint NOT NULL CHECK (kvp_wiped IN (0, 1)),
  problems               text     NOT NULL,
  evidence               text     NOT NULL DEFAULT 'none',
  claimed_license_status text,
  claimed_channel        text,
  processor_count        integer  CHECK (processor_count IS NULL OR processor_count BETWEEN 1 AND 2048),
  memory_assigned_bytes  bigint   CHECK (memory_assigned_bytes IS NULL OR memory_assigned_bytes BETWEEN 1 AND 281474976710656)
);
CREATE UNIQUE INDEX observations_open ON observations(vm_id) WHERE valid_to IS NULL;
CREATE INDEX observations_vm_time ON observations(vm_id, valid_from);
CREATE INDEX observations_time ON observations(valid_from, last_seen);

CREATE TABLE kvp_latest (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  vm_id       bigint NOT NULL REFERENCES vms(id),
  pool        text   NOT NULL,
  items       text   NOT NULL,
  sha256      text   NOT NULL,
  updated_at  bigint NOT NULL,
  UNIQUE (vm_id, pool)
);

CREATE TABLE events (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source        text    NOT NULL CHECK (source IN ('host', 'guest', 'agent')),
  origin        text    NOT NULL,
  log_epoch     integer NOT NULL DEFAULT 0,
  record_id     bigint  NOT NULL,
  event_id      integer,
  time          bigint  NOT NULL,
  vm_id         bigint  REFERENCES vms(id),
  host_id       bigint  REFERENCES hosts(id),
  notification  text,
  hresult       text,
  message       text    NOT NULL,
  vm_match      text,
  UNIQUE (source, origin, log_epoch, record_id)
);
CREATE INDEX events_time ON events(time, id);
CREATE INDEX events_vm ON events(vm_id);
CREATE INDEX events_vm_host_time ON events(vm_id, time) WHERE source = 'host';
CREATE INDEX events_vm_avma_success ON events(vm_id, time)
  WHERE source = 'host' AND event_id = 12310 AND notification = 'avma-success';

CREATE TABLE actions (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at       bigint NOT NULL,
  actor    text   NOT NULL,
  vm_id    bigint REFERENCES vms(id),
  host_id  bigint REFERENCES hosts(id),
  action   text   NOT NULL,
  reason   text   NOT NULL,
  details  text   NOT NULL
);
CREATE INDEX actions_vm ON actions(vm_id, at);

CREATE TABLE bookmarks (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  host_id     bigint  NOT NULL REFERENCES hosts(id),
  log         text    NOT NULL,
  log_epoch   integer NOT NULL DEFAULT 0,
  record_id   bigint  NOT NULL CHECK (record_id >= 0),
  updated_at  bigint  NOT NULL,
  UNIQUE (host_id, log)
);

CREATE TABLE month_closes (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  month            text     NOT NULL UNIQUE,
  closed_at        bigint   NOT NULL,
  report           text     NOT NULL,
  sha256           text     NOT NULL,
  format           smallint NOT NULL DEFAULT 1 CHECK (format IN (1, 2)),
  csv              text,
  settings         text,
  actor            text,
  actor_source     text     CHECK (actor_source IS NULL OR actor_source IN ('given', 'os-user')),
  forced           smallint NOT NULL DEFAULT 0 CHECK (forced IN (0, 1)),
  previous_sha256  text
);

CREATE TABLE raw_prunes (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at            bigint NOT NULL,
  before        bigint NOT NULL,
  events        bigint NOT NULL CHECK (events >= 0),
  observations  bigint NOT NULL CHECK (observations >= 0)
);

CREATE TABLE tokens (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text   NOT NULL,
  role          text   NOT NULL CHECK (role IN ('reader', 'operator', 'admin')),
  sha256        text   NOT NULL UNIQUE CHECK (length(sha256) = 64),
  created_at    bigint NOT NULL,
  created_by    text   NOT NULL,
  expires_at    bigint CHECK (expires_at IS NULL OR expires_at > created_at),
  revoked_at    bigint,
  last_used_at  bigint
);
CREATE UNIQUE INDEX tokens_name ON tokens (lower(name));

CREATE FUNCTION avma_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER month_closes_immutable BEFORE UPDATE OR DELETE ON month_closes
  FOR EACH ROW EXECUTE FUNCTION avma_refuse_change('a closed month is immutable');
CREATE TRIGGER raw_prunes_append_only BEFORE UPDATE OR DELETE ON raw_prunes
  FOR EACH ROW EXECUTE FUNCTION avma_refuse_change('the prune record is append-only');

-- Bumped by every write transaction of the store (store.ts changeStamp): a sequence never blocks
-- concurrent writers the way a counter row would.
CREATE SEQUENCE store_changes;

-- Hosts shared by several agents: who may sweep each now (agent/store/pg/leases.ts).
CREATE TABLE host_leases (
  host        text   PRIMARY KEY,
  owner       text   NOT NULL,
  acquired_at bigint NOT NULL,
  expires_at  bigint NOT NULL,
  swept_at    bigint
);
`;
