-- Jetway tables for H2 2.x. Safe to run again: every statement is IF NOT EXISTS.

CREATE TABLE IF NOT EXISTS jetway_outbox (
    id           UUID                     NOT NULL PRIMARY KEY,
    subject      VARCHAR(512)             NOT NULL,
    payload      VARBINARY(1000000000)    NOT NULL,
    headers      CHARACTER LARGE OBJECT   NOT NULL,
    status       VARCHAR(16)              NOT NULL,
    attempts     INTEGER                  NOT NULL DEFAULT 0,
    last_error   CHARACTER LARGE OBJECT,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    available_at TIMESTAMP WITH TIME ZONE NOT NULL,
    sent_at      TIMESTAMP WITH TIME ZONE,
    stream       VARCHAR(255),
    stream_seq   BIGINT
);

CREATE INDEX IF NOT EXISTS jetway_outbox_status_idx ON jetway_outbox (status, available_at, id);
CREATE INDEX IF NOT EXISTS jetway_outbox_sent_idx ON jetway_outbox (status, sent_at);

CREATE TABLE IF NOT EXISTS jetway_inbox (
    consumer     VARCHAR(255)             NOT NULL,
    message_id   VARCHAR(255)             NOT NULL,
    subject      VARCHAR(512)             NOT NULL,
    stream       VARCHAR(255),
    stream_seq   BIGINT,
    status       VARCHAR(16)              NOT NULL,
    deliveries   INTEGER                  NOT NULL,
    last_error   CHARACTER LARGE OBJECT,
    received_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    processed_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (message_id, consumer)
);

CREATE INDEX IF NOT EXISTS jetway_inbox_processed_idx ON jetway_inbox (status, processed_at);

CREATE TABLE IF NOT EXISTS jetway_jobs (
    id                  UUID                     NOT NULL PRIMARY KEY,
    type                VARCHAR(255)             NOT NULL,
    queue               VARCHAR(255)             NOT NULL,
    status              VARCHAR(16)              NOT NULL,
    attempts            INTEGER                  NOT NULL DEFAULT 0,
    max_attempts        INTEGER                  NOT NULL,
    payload             CHARACTER LARGE OBJECT   NOT NULL,
    result              CHARACTER LARGE OBJECT,
    error               CHARACTER LARGE OBJECT,
    progress_percent    DOUBLE PRECISION,
    progress_message    VARCHAR(1000),
    idempotency_key     VARCHAR(255),
    webhook_url         VARCHAR(2048),
    webhook_status      VARCHAR(16),
    webhook_attempts    INTEGER                  NOT NULL DEFAULT 0,
    webhook_last_error  CHARACTER LARGE OBJECT,
    webhook_next_at     TIMESTAMP WITH TIME ZONE,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    run_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at          TIMESTAMP WITH TIME ZONE,
    completed_at        TIMESTAMP WITH TIME ZONE,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    claim_seq           BIGINT,
    traceparent         VARCHAR(64),
    meta                CHARACTER LARGE OBJECT,
    ojs_envelope        CHARACTER LARGE OBJECT
);

-- added after the first snapshots; the stream sequence of the message that claimed the running attempt
ALTER TABLE jetway_jobs ADD COLUMN IF NOT EXISTS claim_seq BIGINT;
-- added later; the W3C traceparent of the trace that enqueued the job (null without tracing)
ALTER TABLE jetway_jobs ADD COLUMN IF NOT EXISTS traceparent VARCHAR(64);
-- added later; the job's metadata (JobOptions.meta), a JSON object, null without
ALTER TABLE jetway_jobs ADD COLUMN IF NOT EXISTS meta CHARACTER LARGE OBJECT;
-- added later; what an OJS PUSH said of the job's attempts (options.retry, timeout_ms,
-- visibility_timeout_ms), JSON, null without; and the errors of its failed OJS attempts, a JSON
-- array of the newest 20 (the job envelope's errors), null before the first
ALTER TABLE jetway_jobs ADD COLUMN IF NOT EXISTS ojs_policy CHARACTER LARGE OBJECT;
ALTER TABLE jetway_jobs ADD COLUMN IF NOT EXISTS ojs_errors CHARACTER LARGE OBJECT;

-- added later; when a job of an external queue expires (OJS expires_at), null without
ALTER TABLE jetway_jobs ADD COLUMN IF NOT EXISTS expires_at TIMESTAMP WITH TIME ZONE;

-- added later; the fields of an OJS job envelope that Jetway does not model, a JSON object
ALTER TABLE jetway_jobs ADD COLUMN IF NOT EXISTS ojs_envelope CHARACTER LARGE OBJECT;

CREATE UNIQUE INDEX IF NOT EXISTS jetway_jobs_idempotency_idx ON jetway_jobs (idempotency_key);
CREATE INDEX IF NOT EXISTS jetway_jobs_queue_idx ON jetway_jobs (queue, created_at);
CREATE INDEX IF NOT EXISTS jetway_jobs_webhook_idx ON jetway_jobs (webhook_status, webhook_next_at);

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
    args           CHARACTER LARGE OBJECT NOT NULL,
    meta           CHARACTER LARGE OBJECT,
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
