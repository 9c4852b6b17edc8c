-- Jetway tables for PostgreSQL. Safe to run again: every statement is IF NOT EXISTS.

CREATE TABLE IF NOT EXISTS jetway_outbox (
    id           UUID                     NOT NULL PRIMARY KEY,
    subject      VARCHAR(512)             NOT NULL,
    payload      BYTEA                    NOT NULL,
    headers      TEXT                     NOT NULL,
    status       VARCHAR(16)              NOT NULL,
    attempts     INTEGER                  NOT NULL DEFAULT 0,
    last_error   TEXT,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    available_at TIMESTAMP WITH TIME ZONE NOT NULL,
    sent_at      TIMESTAMP WITH TIME ZONE,
    stream       VARCHAR(255),
    stream_seq   BIGINT
);

-- Matches the recovery claim exactly (pending rows in due order), so the planner keeps using it
-- however the table's statistics look.
CREATE INDEX IF NOT EXISTS jetway_outbox_pending_idx ON jetway_outbox (available_at, id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS jetway_outbox_sent_idx ON jetway_outbox (sent_at) WHERE status = 'sent';
CREATE INDEX IF NOT EXISTS jetway_outbox_failed_idx ON jetway_outbox (created_at) WHERE status = 'failed';

CREATE TABLE IF NOT EXISTS jetway_inbox (
    consumer     VARCHAR(255)             NOT NULL,
    message_id   VARCHAR(255)             NOT NULL,
    subject      VARCHAR(512)             NOT NULL,
    stream       VARCHAR(255),
    stream_seq   BIGINT,
    status       VARCHAR(16)              NOT NULL,
    deliveries   INTEGER                  NOT NULL,
    last_error   TEXT,
    received_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    processed_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (message_id, consumer)
);

CREATE INDEX IF NOT EXISTS jetway_inbox_processed_idx ON jetway_inbox (processed_at) WHERE status = 'processed';
CREATE INDEX IF NOT EXISTS jetway_inbox_failed_idx ON jetway_inbox (received_at) WHERE status = 'failed';

CREATE TABLE IF NOT EXISTS jetway_jobs (
    id                  UUID                     NOT NULL PRIMARY KEY,
    type                VARCHAR(255)             NOT NULL,
    queue               VARCHAR(255)             NOT NULL,
    status              VARCHAR(16)              NOT NULL,
    attempts            INTEGER                  NOT NULL DEFAULT 0,
    max_attempts        INTEGER                  NOT NULL,
    payload             TEXT                     NOT NULL,
    result              TEXT,
    error               TEXT,
    progress_percent    DOUBLE PRECISION,
    progress_message    VARCHAR(1000),
    idempotency_key     VARCHAR(255),
    webhook_url         VARCHAR(2048),
    webhook_status      VARCHAR(16),
    webhook_attempts    INTEGER                  NOT NULL DEFAULT 0,
    webhook_last_error  TEXT,
    webhook_next_at     TIMESTAMP WITH TIME ZONE,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    run_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at          TIMESTAMP WITH TIME ZONE,
    completed_at        TIMESTAMP WITH TIME ZONE,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
) WITH (fillfactor = 70);

-- The stream sequence of the message that claimed the running attempt: only a redelivery of that
-- message takes a running job over (a second copy of a job message does not).
ALTER TABLE jetway_jobs ADD COLUMN IF NOT EXISTS claim_seq BIGINT;

-- Set to the enqueuing transaction's id for jobs that are published straight from this table
-- (see JobDispatcher); the recovery of jobs whose message never left walks it in order.
ALTER TABLE jetway_jobs ADD COLUMN IF NOT EXISTS enqueue_xid xid8;

-- The W3C traceparent of the trace that enqueued the job (null without tracing): its attempts and
-- its webhook continue that trace.
ALTER TABLE jetway_jobs ADD COLUMN IF NOT EXISTS traceparent VARCHAR(64);

-- The job's metadata (JobOptions.meta), a JSON object, null without: stored with the job, sent in
-- its events and its message's Jetway-Job-Meta header.
ALTER TABLE jetway_jobs ADD COLUMN IF NOT EXISTS meta TEXT;

-- What an OJS PUSH said of the job's attempts (options.retry, timeout_ms,
-- visibility_timeout_ms), JSON, null without; and the errors of its failed OJS attempts, a JSON
-- array of the newest 20 (the job envelope's errors), null before the first
ALTER TABLE jetway_jobs ADD COLUMN IF NOT EXISTS ojs_policy TEXT;
ALTER TABLE jetway_jobs ADD COLUMN IF NOT EXISTS ojs_errors TEXT;

-- When a job of an external queue expires (OJS expires_at), null without: a job not fetched by then is
-- discarded instead of served.
ALTER TABLE jetway_jobs ADD COLUMN IF NOT EXISTS expires_at TIMESTAMP WITH TIME ZONE;

-- The fields of an OJS job envelope that Jetway does not model (priority, unknown fields kept for
-- forward compatibility), a JSON object; null for jobs not pushed over OJS with such fields.
ALTER TABLE jetway_jobs ADD COLUMN IF NOT EXISTS ojs_envelope TEXT;

-- No index holds status (or another column a transition changes): with the free
-- space the fill factor leaves, state transitions are HOT updates that write no index.
-- Partial: most jobs have no key, and an entry per job would cost every insert a second index write.
CREATE UNIQUE INDEX IF NOT EXISTS jetway_jobs_idempotency_key_idx ON jetway_jobs (idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- the full index of earlier snapshots, which held a NULL entry per job
DROP INDEX IF EXISTS jetway_jobs_idempotency_idx;
CREATE INDEX IF NOT EXISTS jetway_jobs_queue_idx ON jetway_jobs (queue, created_at);
CREATE INDEX IF NOT EXISTS jetway_jobs_dispatch_idx ON jetway_jobs (enqueue_xid, id) WHERE enqueue_xid IS NOT NULL;
CREATE INDEX IF NOT EXISTS jetway_jobs_webhook_idx ON jetway_jobs (webhook_next_at) WHERE webhook_status = 'pending';
-- JobClient.list(queue, FAILED): failed jobs are rare, and without an index the listing reads every
-- job of the queue. Partial on error, not on status: a job that succeeds keeps error NULL through every
-- transition, so its updates stay HOT; only an attempt that fails (or a retry that succeeds after
-- one) writes the indexes. Every failed job has an error (JobRepository.list relies on it).
CREATE INDEX IF NOT EXISTS jetway_jobs_error_idx ON jetway_jobs (queue, created_at) WHERE error IS NOT NULL;

CREATE TABLE IF NOT EXISTS jetway_job_queues (
    queue      VARCHAR(255)             NOT NULL PRIMARY KEY,
    paused     BOOLEAN                  NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE IF NOT EXISTS jetway_job_schedules (
    name         VARCHAR(255)             NOT NULL PRIMARY KEY,
    next_fire_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_fire_at TIMESTAMP WITH TIME ZONE
);

-- How far the dispatch recovery got: every job enqueued by a transaction with an id below
-- checked_below was published (or had left the pending state). next_below is the oldest transaction
-- still running when next_below_at was read; the next range is checked once it is old enough.
CREATE TABLE IF NOT EXISTS jetway_job_dispatch (
    name          VARCHAR(64)              NOT NULL PRIMARY KEY,
    checked_below xid8                     NOT NULL,
    next_below    xid8                     NOT NULL,
    next_below_at TIMESTAMP WITH TIME ZONE NOT NULL,
    lease_until   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Leases of jobs fetched by external workers (Open Job Spec HTTP binding): the running attempt,
-- its fencing token, its deadline and the reply subject of the job's JetStream message, so that any
-- instance can acknowledge, extend or expire it.
CREATE TABLE IF NOT EXISTS jetway_job_leases (
    job_id        UUID          NOT NULL PRIMARY KEY,
    attempt       INTEGER      NOT NULL,
    token         VARCHAR(64)  NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    reply_subject VARCHAR(512) NOT NULL,
    worker_id     VARCHAR(255)
);

-- The lease sweep looks for leases whose deadline passed, oldest first.
CREATE INDEX IF NOT EXISTS jetway_job_leases_expires_idx ON jetway_job_leases (expires_at);

-- Worker tokens of external workers: only the SHA-256 of the token (hex) is stored.
CREATE TABLE IF NOT EXISTS jetway_worker_tokens (
    id         UUID          NOT NULL PRIMARY KEY,
    name       VARCHAR(255) NOT NULL,
    queues     VARCHAR(4000) NOT NULL,
    token_hash CHAR(64)     NOT NULL UNIQUE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at TIMESTAMP WITH TIME ZONE
);

-- Cron jobs registered over OJS (POST /ojs/v1/cron): the database is their only store. A tick fires
-- through a conditional update of next_run_at, so it fires once across instances; id changes when a
-- name is registered again, and is part of the idempotency key of the jobs it enqueues.
CREATE TABLE IF NOT EXISTS jetway_ojs_crons (
    name           VARCHAR(255)  NOT NULL PRIMARY KEY,
    id             VARCHAR(36)   NOT NULL,
    expression     VARCHAR(255)  NOT NULL,
    timezone       VARCHAR(64)   NOT NULL,
    job_type       VARCHAR(255)  NOT NULL,
    args           TEXT          NOT NULL,
    meta           TEXT,
    queue          VARCHAR(255)  NOT NULL,
    max_attempts   INTEGER,
    overlap_policy VARCHAR(16)   NOT NULL,
    enabled        BOOLEAN       NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    next_run_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_run_at    TIMESTAMP WITH TIME ZONE,
    last_job_id    VARCHAR(36),
    run_count      BIGINT        NOT NULL DEFAULT 0
);

-- The state each external worker is asked to be in (OJS heartbeats answer it: running, quiet,
-- terminate); a worker not here is running.
CREATE TABLE IF NOT EXISTS jetway_ojs_workers (
    worker_id    VARCHAR(255) NOT NULL PRIMARY KEY,
    state        VARCHAR(16)  NOT NULL,
    last_beat_at TIMESTAMP WITH TIME ZONE NOT NULL
);
