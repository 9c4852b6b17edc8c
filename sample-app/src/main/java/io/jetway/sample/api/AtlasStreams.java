package io.jetway.sample.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.OutgoingMessage;
import io.jetway.publish.PublishReceipt;
import io.jetway.sample.api.ApiKeysProperties.Quotas;
import io.jetway.topology.Namespace;
import io.jetway.topology.StreamDeclaration;
import io.jetway.topology.StreamReport;
import io.jetway.topology.StreamSettings;
import io.jetway.topology.StreamTopology;
import io.jetway.topology.Subjects;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Durable streams and pull consumers of the API's tenants. A tenant's stream
 * {@code payments} is the JetStream stream {@code ATLAS_<project>_<env>_payments}
 * (created through Jetway's {@link StreamTopology}) whose subjects all start with
 * {@code atlasdb.streams.<project>.<env>.payments.}; its consumers are durable pull
 * consumers of that stream. Every name is derived from the caller's {@link Tenant}, so a
 * tenant can neither name nor reach another tenant's streams.
 */
@Service
public class AtlasStreams {

	private static final int STREAM_NOT_FOUND = 10059;

	private static final int CONSUMER_NOT_FOUND = 10014;

	private final StreamTopology topology;

	private final JetStreamManagement management;

	private final Connection connection;

	private final JetwayPublisher publisher;

	private final JsonMapper jsonMapper;

	private final Duration pullWait;

	private final Quotas quotas;

	public AtlasStreams(StreamTopology topology, JetStreamManagement management, Connection connection,
			JetwayPublisher publisher, JsonMapper jsonMapper, @Value("${sample.api.pull-wait:0s}") Duration pullWait,
			ApiKeysProperties properties) {
		this.topology = topology;
		this.management = management;
		this.connection = connection;
		this.publisher = publisher;
		this.jsonMapper = jsonMapper;
		this.pullWait = pullWait;
		this.quotas = properties.getQuotas();
	}

	/**
	 * Creates the stream, or brings an existing one in line (adds subjects, changes
	 * limits; a limit the request leaves out keeps the existing stream's max_bytes).
	 * @return the stream and whether it was created
	 */
	public StreamView create(Tenant tenant, String name, List<String> subjects, @Nullable Long maxBytes,
			@Nullable Long maxAgeSeconds) {
		StreamInfo current = findStream(serverStreamName(tenant, name));
		// an existing stream keeps its max_bytes unless the request gives one: the
		// default would shrink a larger stream and drop its messages
		long limit = (maxBytes == null && current != null && current.getConfiguration().getMaxBytes() > 0)
				? current.getConfiguration().getMaxBytes() : streamMaxBytes(maxBytes);
		List<String> existing = streamNames(tenant);
		if (current == null && existing.size() >= this.quotas.getMaxStreams()) {
			throw quotaExceeded("name", tenant, existing.size() + " streams", this.quotas.getMaxStreams() + " streams",
					"sample.api.quotas.max-streams");
		}
		String prefix = tenant.streamSubjectPrefix(name);
		List<String> serverSubjects = subjects.stream().map((subject) -> prefix + "." + subject).toList();
		StreamSettings settings = StreamSettings.builder()
			.maxBytes(limit)
			.maxAge((maxAgeSeconds != null) ? Duration.ofSeconds(maxAgeSeconds) : Duration.ZERO)
			.description("AtlasDB stream '" + name + "' of project " + tenant.projectId() + " ("
					+ tenant.environmentId() + ")")
			.build();
		StreamDeclaration declaration = new StreamDeclaration(tenant.jetStreamName(name), serverSubjects, settings,
				"POST /events/v1/streams");
		StreamReport report = this.topology.ensure(List.of(declaration)).streams().get(0);
		if (report.status() == StreamReport.Status.FAILED || report.status() == StreamReport.Status.NOT_CREATED
				|| !report.missingSubjects().isEmpty()) {
			throw new ApiException(HttpStatus.CONFLICT, "name",
					"Stream '" + name + "' could not be created: " + String.join("; ", report.problems()));
		}
		return view(tenant, name, info(tenant, name), report.status() == StreamReport.Status.CREATED);
	}

	/**
	 * Publishes to the stream and waits for JetStream to store the message.
	 */
	public Map<String, Object> publish(Tenant tenant, String streamName, String subject, JsonNode payload) {
		StreamInfo info = info(tenant, streamName);
		String serverSubject = namespace().subject(tenant.streamSubjectPrefix(streamName) + "." + subject);
		List<String> captured = info.getConfiguration().getSubjects();
		if (captured.stream().noneMatch((pattern) -> Subjects.covers(pattern, serverSubject))) {
			throw ApiException.badRequest("subject", "Stream '" + streamName + "' does not capture subject '" + subject
					+ "'; its subjects are " + logicalSubjects(tenant, streamName, captured));
		}
		PublishReceipt receipt = this.publisher
			.publish(OutgoingMessage.builder(tenant.streamSubjectPrefix(streamName) + "." + subject, payload).build());
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("stream", streamName);
		answer.put("subject", subject);
		answer.put("sequence", receipt.sequence());
		answer.put("duplicate", receipt.duplicate());
		return answer;
	}

	/**
	 * Creates a durable pull consumer (or updates its filter), delivering from the
	 * stream's first message.
	 */
	public Map<String, Object> createConsumer(Tenant tenant, String streamName, String name,
			@Nullable String filterSubject) {
		StreamInfo info = info(tenant, streamName);
		ConsumerConfiguration.Builder configuration = ConsumerConfiguration.builder()
			.durable(name)
			.ackPolicy(AckPolicy.Explicit)
			.deliverPolicy(DeliverPolicy.All)
			.ackWait(Duration.ofSeconds(30));
		if (filterSubject != null) {
			String serverFilter = namespace().subject(tenant.streamSubjectPrefix(streamName) + "." + filterSubject);
			List<String> captured = info.getConfiguration().getSubjects();
			if (captured.stream().noneMatch((pattern) -> Subjects.overlaps(pattern, serverFilter))) {
				throw ApiException.badRequest("filter_subject",
						"filter_subject '" + filterSubject + "' matches none of stream '" + streamName + "''s subjects "
								+ logicalSubjects(tenant, streamName, captured));
			}
			configuration.filterSubject(serverFilter);
		}
		String stream = serverStreamName(tenant, streamName);
		boolean created;
		ConsumerInfo consumer;
		try {
			created = findConsumer(stream, name) == null;
			if (created) {
				checkConsumerQuota(tenant);
			}
			consumer = this.management.addOrUpdateConsumer(stream, configuration.build());
		}
		catch (JetStreamApiException ex) {
			throw new ApiException(HttpStatus.CONFLICT, "name",
					"Consumer '" + name + "' could not be created: " + ex.getErrorDescription());
		}
		catch (IOException ex) {
			throw unavailable(ex);
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("name", name);
		answer.put("stream", streamName);
		answer.put("filter_subject", filterSubject);
		answer.put("num_pending", consumer.getNumPending());
		answer.put("created", created);
		return answer;
	}

	/**
	 * Fetches up to {@code batch} messages, waiting briefly when fewer are there, and
	 * acknowledges every message it returns.
	 */
	public List<Map<String, Object>> pull(Tenant tenant, String streamName, String consumerName, int batch) {
		String stream = serverStreamName(tenant, streamName);
		info(tenant, streamName);
		List<Map<String, Object>> messages = new ArrayList<>();
		try {
			if (findConsumer(stream, consumerName) == null) {
				throw ApiException.notFound("Consumer '" + consumerName + "' not found on stream '" + streamName + "'");
			}
			ConsumerContext consumer = this.connection.getConsumerContext(stream, consumerName);
			try (FetchConsumer fetch = consumer.fetch(fetchOptions(batch))) {
				Message message = fetch.nextMessage();
				while (message != null) {
					messages.add(describe(tenant, streamName, message));
					message.ackSync(Duration.ofSeconds(5));
					message = fetch.nextMessage();
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unavailable(ex);
		}
		catch (ApiException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw unavailable(ex);
		}
		return messages;
	}

	/**
	 * With no wait, the server answers at once with what it has; otherwise it waits up to
	 * the pull wait (1 s at least, jnats' minimum) for {@code batch} messages.
	 */
	private FetchConsumeOptions fetchOptions(int batch) {
		FetchConsumeOptions.Builder options = FetchConsumeOptions.builder().maxMessages(batch);
		return (this.pullWait.isZero() ? options.noWait() : options.expiresIn(Math.max(1000, this.pullWait.toMillis())))
			.build();
	}

	private Map<String, Object> describe(Tenant tenant, String streamName, Message message) {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("subject", logicalSubject(tenant, streamName, message.getSubject()));
		described.put("payload", payload(message.getData()));
		described.put("sequence", message.metaData().streamSequence());
		described.put("published_at", message.metaData().timestamp().toInstant());
		described.put("deliveries", message.metaData().deliveredCount());
		return described;
	}

	private JsonNode payload(byte @Nullable [] data) {
		if (data == null || data.length == 0) {
			return StringNode.valueOf("");
		}
		try {
			return this.jsonMapper.readTree(data);
		}
		catch (JacksonException ex) {
			return StringNode.valueOf(new String(data, StandardCharsets.UTF_8));
		}
	}

	private StreamView view(Tenant tenant, String name, StreamInfo info, boolean created) {
		StreamConfiguration configuration = info.getConfiguration();
		Duration maxAge = configuration.getMaxAge();
		return new StreamView(name, logicalSubjects(tenant, name, configuration.getSubjects()),
				(configuration.getMaxBytes() > 0) ? configuration.getMaxBytes() : null,
				(maxAge != null && !maxAge.isZero()) ? maxAge.toSeconds() : null, info.getStreamState().getMsgCount(),
				created);
	}

	private StreamInfo info(Tenant tenant, String name) {
		try {
			return this.management.getStreamInfo(serverStreamName(tenant, name));
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == STREAM_NOT_FOUND) {
				throw ApiException.notFound("Stream '" + name + "' not found");
			}
			throw new ApiException(HttpStatus.BAD_GATEWAY, null, "NATS refused: " + ex.getErrorDescription());
		}
		catch (IOException ex) {
			throw unavailable(ex);
		}
	}

	private @Nullable StreamInfo findStream(String stream) {
		try {
			return this.management.getStreamInfo(stream);
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == STREAM_NOT_FOUND) {
				return null;
			}
			throw new ApiException(HttpStatus.BAD_GATEWAY, null, "NATS refused: " + ex.getErrorDescription());
		}
		catch (IOException ex) {
			throw unavailable(ex);
		}
	}

	private @Nullable ConsumerInfo findConsumer(String stream, String name) throws IOException {
		try {
			return this.management.getConsumerInfo(stream, name);
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == CONSUMER_NOT_FOUND) {
				return null;
			}
			throw new ApiException(HttpStatus.BAD_GATEWAY, null, "NATS refused: " + ex.getErrorDescription());
		}
	}

	/**
	 * @return the stream's max_bytes: the tenant's, at most the cap, or the default
	 */
	private long streamMaxBytes(@Nullable Long maxBytes) {
		long cap = this.quotas.getMaxStreamMaxBytes().toBytes();
		if (maxBytes == null) {
			return this.quotas.getDefaultStreamMaxBytes().toBytes();
		}
		if (maxBytes < 1 || maxBytes > cap) {
			throw ApiException.badRequest("max_bytes", "'max_bytes' must be between 1 and " + cap
					+ " (sample.api.quotas.max-stream-max-bytes), was " + maxBytes);
		}
		return maxBytes;
	}

	/**
	 * Counted in NATS, not reserved: requests that create consumers at the same moment
	 * may together go beyond the quota by their number less one.
	 */
	private void checkConsumerQuota(Tenant tenant) throws IOException {
		int consumers = 0;
		for (String stream : streamNames(tenant)) {
			try {
				consumers += this.management.getConsumerNames(stream).size();
			}
			catch (JetStreamApiException ex) {
				if (ex.getApiErrorCode() != STREAM_NOT_FOUND) {
					throw new ApiException(HttpStatus.BAD_GATEWAY, null, "NATS refused: " + ex.getErrorDescription());
				}
			}
		}
		if (consumers >= this.quotas.getMaxConsumers()) {
			throw quotaExceeded("name", tenant, consumers + " consumers", this.quotas.getMaxConsumers() + " consumers",
					"sample.api.quotas.max-consumers");
		}
	}

	/**
	 * @return the JetStream names of the tenant's streams, asked of the server by their
	 * subjects ({@code atlasdb.streams.<project>.<env>.*.>}). Counted in NATS, not
	 * reserved: requests that create streams at the same moment may together go beyond
	 * the quota by their number less one.
	 */
	private List<String> streamNames(Tenant tenant) {
		String prefix = namespace().streamName(tenant.jetStreamNamePrefix());
		try {
			// only streams capturing the tenant's subjects, then by name
			return this.management.getStreamNames(namespace().subject(tenant.streamSubjectPrefix("*")) + ".>")
				.stream()
				.filter((stream) -> stream.startsWith(prefix))
				.toList();
		}
		catch (JetStreamApiException ex) {
			throw new ApiException(HttpStatus.BAD_GATEWAY, null, "NATS refused: " + ex.getErrorDescription());
		}
		catch (IOException ex) {
			throw unavailable(ex);
		}
	}

	private static ApiException quotaExceeded(String field, Tenant tenant, String has, String quota, String property) {
		return new ApiException(HttpStatus.FORBIDDEN, field,
				"Quota exceeded: project '" + tenant.projectId() + "' (" + tenant.environmentId() + ") has " + has
						+ ", the most it may have is " + quota + " (" + property + ")");
	}

	private String serverStreamName(Tenant tenant, String name) {
		return namespace().streamName(tenant.jetStreamName(name));
	}

	private List<String> logicalSubjects(Tenant tenant, String streamName, List<String> subjects) {
		return subjects.stream().map((subject) -> logicalSubject(tenant, streamName, subject)).toList();
	}

	private String logicalSubject(Tenant tenant, String streamName, String subject) {
		String prefix = namespace().subject(tenant.streamSubjectPrefix(streamName)) + ".";
		return subject.startsWith(prefix) ? subject.substring(prefix.length()) : subject;
	}

	private Namespace namespace() {
		return this.topology.getNamespace();
	}

	private static ApiException unavailable(Exception ex) {
		return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, null, "NATS is not available: " + ex.getMessage());
	}

	/**
	 * A stream as the API shows it.
	 *
	 * @param name the stream's name
	 * @param subjects the subject patterns it captures
	 * @param maxBytes its size limit, or {@code null} for none
	 * @param maxAgeSecs its age limit, or {@code null} for none
	 * @param messages messages it holds
	 * @param created whether this request created it
	 */
	public record StreamView(String name, List<String> subjects, @Nullable Long maxBytes, @Nullable Long maxAgeSecs,
			long messages, boolean created) {

	}

}
