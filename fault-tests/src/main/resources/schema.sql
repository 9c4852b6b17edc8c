-- The workload's own tables. The effect tables deliberately have no unique constraint.
CREATE TABLE IF NOT EXISTS workload_driver (
	id INT PRIMARY KEY,
	next_operation BIGINT NOT NULL,
	total BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS workload_operations (
	id BIGINT PRIMARY KEY,
	created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE IF NOT EXISTS workload_listener_effects (
	operation_id BIGINT NOT NULL,
	instance TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE IF NOT EXISTS workload_job_effects (
	operation_id BIGINT NOT NULL,
	instance TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
-- The suite inserts the one row when every instance of a run is up (workload.await-start).
CREATE TABLE IF NOT EXISTS workload_start (
	id INT PRIMARY KEY
);
