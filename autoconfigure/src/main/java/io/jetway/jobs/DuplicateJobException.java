package io.jetway.jobs;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A job was enqueued with the id ({@link JobOptions#id()}) of a job that exists; nothing
 * was stored. In a transaction that the database aborted on the duplicate key
 * (PostgreSQL), the caller's transaction can only roll back.
 */
public class DuplicateJobException extends IllegalStateException {

	private final UUID id;

	public DuplicateJobException(UUID id, @Nullable Throwable cause) {
		super("A job with id '" + id + "' exists already; enqueue the new job with another id (or none, for a "
				+ "generated one)", cause);
		this.id = id;
	}

	public UUID id() {
		return this.id;
	}

}
