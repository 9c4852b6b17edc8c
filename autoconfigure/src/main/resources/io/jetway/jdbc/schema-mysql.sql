-- Jetway tables for MySQL 8 and MariaDB 10.6+. Safe to run again: every statement is IF NOT EXISTS.
-- Timestamps are UTC.

CREATE TABLE IF NOT EXISTS jetway_outbox (
    id           CHAR(36)     NOT NULL PRIMARY KEY,
    subject      VARCHAR(512) NOT NULL,
    payload      LONGBLOB     NOT NULL,
    headers      TEXT         NOT NULL,
    status       VARCHAR(16)  NOT NULL,
    attempts     INT          NOT NULL DEFAULT 0,
    last_error   TEXT,
    created_at   DATETIME(6)  NOT NULL,
    available_at DATETIME(6)  NOT NULL,
    sent_at      DATETIME(6),
    stream       VARCHAR(255),
    stream_seq   BIGINT,
    INDEX jetway_outbox_status_idx (status, available_at, id),
    INDEX jetway_outbox_sent_idx (status, sent_at)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS jetway_inbox (
    consumer     VARCHAR(255) NOT NULL,
    message_id   VARCHAR(255) NOT NULL,
    subject      VARCHAR(512) NOT NULL,
    stream       VARCHAR(255),
    stream_seq   BIGINT,
    status       VARCHAR(16)  NOT NULL,
    deliveries   INT          NOT NULL,
    last_error   TEXT,
    received_at  DATETIME(6)  NOT NULL,
    processed_at DATETIME(6),
    PRIMARY KEY (message_id, consumer),
    INDEX jetway_inbox_processed_idx (status, processed_at)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS jetway_jobs (
    id                  CHAR(36)      NOT NULL PRIMARY KEY,
    type                VARCHAR(255)  NOT NULL,
    queue               VARCHAR(255)  NOT NULL,
    status              VARCHAR(16)   NOT NULL,
    attempts            INT           NOT NULL DEFAULT 0,
    max_attempts        INT           NOT NULL,
    payload             LONGTEXT      NOT NULL,
    result              LONGTEXT,
    error               TEXT,
    progress_percent    DOUBLE,
    progress_message    VARCHAR(1000),
    idempotency_key     VARCHAR(255),
    webhook_url         VARCHAR(2048),
    webhook_status      VARCHAR(16),
    webhook_attempts    INT           NOT NULL DEFAULT 0,
    webhook_last_error  TEXT,
    webhook_next_at     DATETIME(6),
    created_at          DATETIME(6)   NOT NULL,
    run_at              DATETIME(6)   NOT NULL,
    started_at          DATETIME(6),
    completed_at        DATETIME(6),
    updated_at          DATETIME(6)   NOT NULL,
    claim_seq           BIGINT,
    traceparent         VARCHAR(64),
    meta                TEXT,
    ojs_policy          MEDIUMTEXT,
    ojs_errors          MEDIUMTEXT,
    expires_at          DATETIME(6),
    ojs_envelope        TEXT,
    UNIQUE INDEX jetway_jobs_idempotency_idx (idempotency_key),
    INDEX jetway_jobs_queue_idx (queue, created_at),
    INDEX jetway_jobs_webhook_idx (webhook_status, webhook_next_at)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS jetway_job_queues (
    queue      VARCHAR(255) NOT NULL PRIMARY KEY,
    paused     BOOLEAN      NOT NULL,
    updated_at DATETIME(6)  NOT NULL
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS jetway_job_schedules (
    name         VARCHAR(255) NOT NULL PRIMARY KEY,
    next_fire_at DATETIME(6)  NOT NULL,
    last_fire_at DATETIME(6)
) ENGINE = InnoDB;

-- Leases of jobs fetched by external workers (Open Job Spec HTTP binding): the running attempt,
-- its fencing token, its deadline and the reply subject of the job's JetStream message, so that any
-- instance can acknowledge, extend or expire it.
CREATE TABLE IF NOT EXISTS jetway_job_leases (
    job_id        CHAR(36)      NOT NULL PRIMARY KEY,
    attempt       INTEGER      NOT NULL,
    token         VARCHAR(64)  NOT NULL,
    expires_at    DATETIME(6) NOT NULL,
    reply_subject VARCHAR(512) NOT NULL,
    worker_id     VARCHAR(255),
    INDEX jetway_job_leases_expires_idx (expires_at)
) ENGINE = InnoDB;

-- Worker tokens of external workers: only the SHA-256 of the token (hex) is stored.
CREATE TABLE IF NOT EXISTS jetway_worker_tokens (
    id         CHAR(36)      NOT NULL PRIMARY KEY,
    name       VARCHAR(255) NOT NULL,
    queues     VARCHAR(4000) NOT NULL,
    token_hash CHAR(64)     NOT NULL UNIQUE,
    created_at DATETIME(6) NOT NULL,
    revoked_at DATETIME(6)
) ENGINE = InnoDB;

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
    created_at     DATETIME(6) NOT NULL,
    next_run_at    DATETIME(6) NOT NULL,
    last_run_at    DATETIME(6),
    last_job_id    VARCHAR(36),
    run_count      BIGINT        NOT NULL DEFAULT 0
) ENGINE = InnoDB;

-- The state each external worker is asked to be in (OJS heartbeats answer it: running, quiet,
-- terminate); a worker not here is running. Worker ids compare by case (utf8mb4_bin).
CREATE TABLE IF NOT EXISTS jetway_ojs_workers (
    worker_id    VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    state        VARCHAR(16)  NOT NULL,
    last_beat_at DATETIME(6) NOT NULL
) ENGINE = InnoDB;
