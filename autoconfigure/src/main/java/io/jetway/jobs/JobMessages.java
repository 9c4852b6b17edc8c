package io.jetway.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.jetway.publish.JetwayHeaders;
import io.jetway.publish.OutgoingMessage;
import io.jetway.support.JsonText;
import io.jetway.topology.Namespace;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.jspecify.annotations.Nullable;

/**
 * The job message (a small JSON body with the job's id, type and queue, on the queue's
 * subject of the jobs stream) and its publishing straight to JetStream, for jobs that do
 * not go through the outbox.
 */
class JobMessages {

	private final Namespace namespace;

	private final JetStream jetStream;

	private final Duration ackTimeout;

	private final JobSubjects subjects;

	JobMessages(Namespace namespace, JetStream jetStream, Duration ackTimeout, JobSubjects subjects) {
		this.namespace = namespace;
		this.jetStream = jetStream;
		this.ackTimeout = ackTimeout;
		this.subjects = subjects;
	}

	/**
	 * @param job the job
	 * @param subject its logical subject ({@link JobSubjects})
	 * @param messageId its {@code Nats-Msg-Id}: {@link #messageId(JobMessage)}, except
	 * for a retry of a failed job, whose first message may still be in the stream's
	 * duplicate window
	 * @return the job's message, before encoding
	 */
	static OutgoingMessage.Builder message(JobMessage job, String subject, UUID messageId) {
		OutgoingMessage.Builder message = OutgoingMessage.builder(subject, body(job))
			.id(messageId)
			.type("jetway.job")
			.header(JetwayHeaders.CONTENT_TYPE, "application/json");
		if (job.meta() != null) {
			message.header(JetwayHeaders.JOB_META, JobMetaWriter.headerValue(job.meta()));
		}
		return message;
	}

	/**
	 * The {@code Nats-Msg-Id} of a job's first message, the same wherever it is published
	 * from (enqueue, outbox, dispatch recovery): derived from the job id and when the row
	 * was created, so that a job that reuses the id of a deleted one (an id the caller
	 * gave, {@link JobOptions#id()}) is not dropped as a duplicate of the deleted job's
	 * message, which may still be in the stream's duplicate window.
	 * @param job the job
	 * @return its message id
	 */
	static UUID messageId(JobMessage job) {
		return messageId(job.id(), job.createdAt());
	}

	/**
	 * Laid out as a UUIDv7 (the creation millisecond in the first 48 bits, then a digest
	 * of the job id and that millisecond), so that the outbox rows of job messages, whose
	 * id it is, are inserted in time order into the primary key as every other outbox row
	 * is.
	 * @param jobId the job's id
	 * @param createdAt when its row was created
	 * @return its message id
	 */
	static UUID messageId(UUID jobId, Instant createdAt) {
		// milliseconds: what every database keeps of created_at, read back by the
		// recovery
		long millis = createdAt.toEpochMilli();
		UUID digest = UUID.nameUUIDFromBytes((jobId + "@" + millis).getBytes(StandardCharsets.US_ASCII));
		long high = (millis << 16) | 0x7000L | (digest.getMostSignificantBits() & 0x0FFFL);
		return new UUID(high, digest.getLeastSignificantBits());
	}

	private static Headers headers(JobMessage job) {
		Headers headers = new Headers().put(JetwayHeaders.NATS_MSG_ID, messageId(job).toString());
		if (job.meta() != null) {
			headers.put(JetwayHeaders.JOB_META, JobMetaWriter.headerValue(job.meta()));
		}
		return headers;
	}

	private static byte[] body(JobMessage job) {
		return new JsonText().field("id", job.id().toString())
			.field("type", job.type())
			.field("queue", job.queue())
			.bytes();
	}

	/**
	 * Publishes the jobs' messages as one asynchronous batch and waits for every PubAck,
	 * up to the ack timeout. These messages are Jetway's own, read only by its workers:
	 * the body, {@code Nats-Msg-Id} ({@link #messageId(JobMessage)}) and the job's
	 * metadata, if any. Without the CloudEvents headers of application messages, each
	 * costs less to write, store and parse on every delivery.
	 * @param jobs the jobs
	 * @return the outcome per job, in order
	 */
	List<Outcome> publish(List<? extends JobMessage> jobs) {
		List<CompletableFuture<PublishAck>> acks = new ArrayList<>(jobs.size());
		for (JobMessage job : jobs) {
			try {
				acks.add(this.jetStream.publishAsync(NatsMessage.builder()
					.subject(this.namespace.subject(this.subjects.dispatchSubject(job.queue(), job.meta())))
					.headers(headers(job))
					.data(body(job))
					.build()));
			}
			catch (RuntimeException ex) {
				acks.add(CompletableFuture.failedFuture(ex));
			}
		}
		long deadline = System.nanoTime() + this.ackTimeout.toNanos();
		List<Outcome> outcomes = new ArrayList<>(jobs.size());
		for (CompletableFuture<PublishAck> ack : acks) {
			try {
				PublishAck published = ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				outcomes.add(published.isDuplicate() ? Outcome.DUPLICATE : Outcome.PUBLISHED);
			}
			catch (ExecutionException | TimeoutException | RuntimeException ex) {
				outcomes.add(Outcome.FAILED);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				outcomes.add(Outcome.FAILED);
			}
		}
		return outcomes;
	}

	/**
	 * What became of one job's message.
	 */
	enum Outcome {

		/** Stored in the stream. */
		PUBLISHED,

		/** The stream had it already (same {@code Nats-Msg-Id} within its window). */
		DUPLICATE,

		/** No PubAck: not known to be stored. */
		FAILED

	}

	/**
	 * What a job message says.
	 *
	 * @param id the job id
	 * @param type the job type
	 * @param queue the queue
	 * @param meta the job's metadata, a JSON object sent in the {@code Jetway-Job-Meta}
	 * header, if any
	 * @param createdAt when the job's row was created, part of its message id
	 */
	record JobMessage(UUID id, String type, String queue, @Nullable String meta, Instant createdAt) {
	}

}
