package io.jetway.sample.api;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A project's enqueue rate-limit window: declared here so that the table is part of the
 * application's schema (created with it, never by an instance at startup); read and
 * written by {@link EnqueueRateLimiter} with conditional updates only.
 */
@Entity
@Table(name = EnqueueRateLimiter.TABLE)
class EnqueueWindow {

	@Id
	@Column(name = "project_id", length = 63)
	private String projectId;

	/** When the window ends, by the database's clock. */
	@Column(name = "window_end", nullable = false)
	private Instant windowEnd;

	@Column(nullable = false)
	private int enqueues;

	protected EnqueueWindow() {
	}

}
