package io.jetway.jobs.ojs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import io.jetway.jdbc.DatabaseType;
import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobHandlers;
import io.jetway.jobs.JobOptions;
import io.jetway.jobs.UnknownJobTypeException;
import io.jetway.support.CronTicks;
import io.jetway.support.PeriodicTask;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Cron jobs registered over OJS ({@code /ojs/v1/cron}), in {@code jetway_ojs_crons}: the
 * database is their only store, so they survive restarts and every instance sees the same
 * ones. Every instance looks for due crons every {@code jetway.jobs.poll-interval}; a
 * tick fires through a conditional update of the cron's row (its {@code next_run_at} must
 * still be the tick), in the transaction that enqueues the tick's job, so each tick fires
 * once across instances. The job's idempotency key
 * ({@code ojs-cron:<registration>:<tick>}) is a second guard.
 */
class OjsCrons implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(OjsCrons.class);

	private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.\\-]{0,254}");

	private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,254}");

	private static final Map<String, String> MACROS = Map.of("@yearly", "0 0 0 1 1 *", "@annually", "0 0 0 1 1 *",
			"@monthly", "0 0 0 1 * *", "@weekly", "0 0 0 * * 0", "@daily", "0 0 0 * * *", "@midnight", "0 0 0 * * *",
			"@hourly", "0 0 * * * *");

	private static final String COLUMNS = "name, id, expression, timezone, job_type, args, meta, queue, max_attempts, "
			+ "overlap_policy, enabled, created_at, next_run_at, last_run_at, last_job_id, run_count";

	/** The longest expression stored ({@code jetway_ojs_crons.expression}). */
	static final int MAX_EXPRESSION_LENGTH = 255;

	/** The largest {@code args} stored, as UTF-8 JSON (a MySQL {@code TEXT} column). */
	static final int MAX_ARGS_BYTES = 65_535;

	/** How many due crons one pass fires at most. */
	private static final int BATCH = 100;

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	private final TransactionTemplate transactions;

	private final JobClient jobs;

	private final JobHandlers handlers;

	private final OjsQueues queues;

	private final JsonMapper jsonMapper;

	private final Clock clock;

	private final int maxCrons;

	private final PeriodicTask timer;

	/**
	 * @param maxCrons how many crons may be registered
	 * ({@code jetway.jobs.ojs.max-crons})
	 */
	OjsCrons(JdbcTemplate jdbc, DatabaseType databaseType, TransactionTemplate transactions, JobClient jobs,
			JobHandlers handlers, OjsQueues queues, JsonMapper jsonMapper, Duration pollInterval, int maxCrons,
			Clock clock) {
		this.maxCrons = maxCrons;
		this.jdbc = jdbc;
		this.databaseType = databaseType;
		this.transactions = transactions;
		this.jobs = jobs;
		this.handlers = handlers;
		this.queues = queues;
		this.jsonMapper = jsonMapper;
		this.clock = clock;
		this.timer = new PeriodicTask("jetway-ojs-cron", pollInterval, this::fireDueSafely);
	}

	/**
	 * Registers a cron job. Accepts the binding's shape ({@code cron}, {@code type},
	 * {@code args}, {@code options} at the top) and the conformance suite's
	 * ({@code expression} and a {@code job_template}).
	 * @return the cron job as the binding describes it
	 */
	Map<String, Object> register(JsonNode request) {
		String name = text(request, "name");
		if (name == null || !NAME.matcher(name).matches()) {
			throw invalid("The 'name' field is required: lowercase letters, digits, '-' and '.', starting with a "
					+ "letter or digit, at most 255 characters (such as daily-report)", "name");
		}
		String expression = (text(request, "cron") != null) ? text(request, "cron") : text(request, "expression");
		if (expression == null) {
			throw invalid("The 'cron' field (or 'expression') is required: a cron expression such as '0 9 * * *'",
					"cron");
		}
		if (expression.length() > MAX_EXPRESSION_LENGTH) {
			throw invalid("The cron expression is " + expression.length() + " characters, more than the "
					+ MAX_EXPRESSION_LENGTH + " allowed", "cron");
		}
		CronExpression cron = parse(expression);
		String timezone = (text(request, "timezone") != null) ? text(request, "timezone") : "UTC";
		ZoneId zone = zone(timezone);
		JsonNode template = request.path("job_template").isObject() ? request.path("job_template") : request;
		String type = text(template, "type");
		if (type == null || !TYPE.matcher(type).matches()) {
			throw invalid("The 'type' field is required: the job type each tick enqueues, letters, digits, '.', '_' "
					+ "and '-', such as report.generate", "type");
		}
		JsonNode args = template.path("args");
		if (args.isMissingNode() || args.isNull()) {
			args = this.jsonMapper.createArrayNode();
		}
		if (!args.isArray()) {
			throw invalid("The 'args' field must be a JSON array", "args");
		}
		int argsBytes = args.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
		if (argsBytes > MAX_ARGS_BYTES) {
			throw invalid(
					"The 'args' array is " + argsBytes + " bytes as JSON (UTF-8), more than the " + MAX_ARGS_BYTES
							+ " a cron stores (its column is a MySQL TEXT); put larger data where the job can read it",
					"args");
		}
		JsonNode meta = template.path("meta");
		if (!meta.isMissingNode() && !meta.isNull() && !meta.isObject()) {
			throw invalid("The 'meta' field must be a JSON object", "meta");
		}
		if (meta.isObject()) {
			OjsException.checkMetaLength(meta);
		}
		JsonNode options = template.path("options");
		String queue = OjsQueues
			.checkName(options.path("queue").isString() ? options.path("queue").asString() : "default");
		JsonNode maxAttempts = options.path("retry").path("max_attempts");
		if (!maxAttempts.isMissingNode() && (!maxAttempts.isIntegralNumber() || maxAttempts.intValue() < 1)) {
			throw invalid("options.retry.max_attempts must be an integer of 1 or more", "max_attempts");
		}
		String overlap = (text(request, "overlap_policy") != null) ? text(request, "overlap_policy") : "skip";
		if (!overlap.equals("skip") && !overlap.equals("allow")) {
			throw new OjsException(HttpStatus.UNPROCESSABLE_CONTENT, "unsupported", "overlap_policy '" + overlap
					+ "' is not supported: use 'skip' (the default: no new job while the previous one is active) "
					+ "or 'allow'", Map.of("field", "overlap_policy"));
		}
		JsonNode enabledNode = request.path("enabled");
		if (!enabledNode.isMissingNode() && !enabledNode.isNull() && !enabledNode.isBoolean()) {
			throw invalid("The 'enabled' field must be true or false", "enabled");
		}
		boolean enabled = !enabledNode.isBoolean() || enabledNode.booleanValue();
		if (this.queues.isExternal(queue)) {
			this.queues.ensure(queue);
		}
		else if (this.handlers.get(type) == null) {
			throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_job_type",
					"Queue '" + queue + "' is run by in-process handlers and none handles type '" + type
							+ "'; known types: " + this.handlers.types()
							+ " (or name an external queue in options.queue)",
					Map.of("field", "type"));
		}
		Integer registered = this.jdbc.queryForObject("SELECT COUNT(*) FROM jetway_ojs_crons", Integer.class);
		if (registered != null && registered >= this.maxCrons) {
			throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_request",
					"Cannot register cron job '" + name + "': " + registered
							+ " are registered and jetway.jobs.ojs.max-crons is " + this.maxCrons
							+ "; delete some (DELETE /ojs/v1/cron/{name}) or raise jetway.jobs.ojs.max-crons",
					Map.of("field", "name", "limit", this.maxCrons, "property", "jetway.jobs.ojs.max-crons"));
		}
		Instant now = this.clock.instant();
		Instant next = CronTicks.next(cron, zone, null, now);
		String metaJson = meta.isObject() ? meta.toString() : null;
		Integer attempts = maxAttempts.isIntegralNumber() ? maxAttempts.intValue() : null;
		String argsJson = args.toString();
		try {
			this.jdbc.update("INSERT INTO jetway_ojs_crons (" + COLUMNS
					+ ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 0)", (statement) -> {
						statement.setString(1, name);
						statement.setString(2, UUID.randomUUID().toString());
						statement.setString(3, expression);
						statement.setString(4, timezone);
						statement.setString(5, type);
						statement.setString(6, argsJson);
						statement.setString(7, metaJson);
						statement.setString(8, queue);
						if (attempts != null) {
							statement.setInt(9, attempts);
						}
						else {
							statement.setNull(9, java.sql.Types.INTEGER);
						}
						statement.setString(10, overlap);
						statement.setBoolean(11, enabled);
						this.databaseType.setInstant(statement, 12, now);
						this.databaseType.setInstant(statement, 13, next);
					});
		}
		catch (DuplicateKeyException ex) {
			throw new OjsException(HttpStatus.CONFLICT, "duplicate",
					"A cron job named '" + name
							+ "' is registered already; to change it, delete it (DELETE /ojs/v1/cron/" + name
							+ ") and register it again",
					Map.of("name", name));
		}
		return find(name).orElseThrow().describe(this.jsonMapper);
	}

	/**
	 * @return the registered cron jobs by name, and how many there are
	 */
	Map<String, Object> list(int limit, int offset) {
		if (limit < 1 || limit > 1000 || offset < 0) {
			throw OjsException
				.invalid("limit must be from 1 to 1000 and offset 0 or more, were " + limit + " and " + offset);
		}
		Integer total = this.jdbc.queryForObject("SELECT COUNT(*) FROM jetway_ojs_crons", Integer.class);
		List<Map<String, Object>> crons = this.jdbc
			.query("SELECT " + COLUMNS + " FROM jetway_ojs_crons ORDER BY name LIMIT ? OFFSET ?", (statement) -> {
				statement.setInt(1, limit);
				statement.setInt(2, offset);
			}, (rows, index) -> cron(rows).describe(this.jsonMapper));
		int count = (total != null) ? total : 0;
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("cron_jobs", crons);
		answer.put("crons", crons);
		answer.put("pagination",
				Map.of("total", count, "limit", limit, "offset", offset, "has_more", offset + crons.size() < count));
		return answer;
	}

	/**
	 * Deletes a cron job; jobs it enqueued stay.
	 * @return the deleted cron job
	 */
	Map<String, Object> unregister(String name) {
		// read under the row's lock, so that the answer is the cron as deleted (a tick
		// firing meanwhile waits, or is seen)
		Cron cron = this.transactions.execute((status) -> {
			Cron locked = this.jdbc
				.query("SELECT " + COLUMNS + " FROM jetway_ojs_crons WHERE name = ? FOR UPDATE",
						(rows, index) -> cron(rows), name)
				.stream()
				.findFirst()
				.orElseThrow(() -> notFound(name));
			this.jdbc.update("DELETE FROM jetway_ojs_crons WHERE name = ? AND id = ?", name, locked.id());
			return locked;
		});
		return cron.describe(this.jsonMapper);
	}

	/**
	 * Deletes every cron registered over OJS (a conformance run's reset; never in
	 * production); the crons of {@code jetway.jobs.schedules} are not these.
	 * @return how many were deleted
	 */
	int deleteAll() {
		return this.jdbc.update("DELETE FROM jetway_ojs_crons");
	}

	Optional<Cron> find(String name) {
		return this.jdbc
			.query("SELECT " + COLUMNS + " FROM jetway_ojs_crons WHERE name = ?", (rows, index) -> cron(rows), name)
			.stream()
			.findFirst();
	}

	@Override
	public void start() {
		this.timer.start(Duration.ZERO);
	}

	@Override
	public void stop() {
		this.timer.stop(Duration.ofSeconds(10));
	}

	@Override
	public boolean isRunning() {
		return this.timer.isRunning();
	}

	@Override
	public int getPhase() {
		return io.jetway.consumer.JetStreamListenerRegistry.PHASE;
	}

	private void fireDueSafely() {
		try {
			fireDue();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not fire due OJS cron jobs (trying again in the next poll): {}", ex.toString());
		}
	}

	/**
	 * Fires every due cron once, each in its own transaction.
	 * @return how many ticks this instance fired (enqueued or skipped)
	 */
	int fireDue() {
		Instant now = this.clock.instant();
		List<String> due = this.jdbc.query(
				"SELECT name FROM jetway_ojs_crons WHERE enabled = ? AND next_run_at <= ? ORDER BY next_run_at LIMIT ?",
				(statement) -> {
					statement.setBoolean(1, true);
					this.databaseType.setInstant(statement, 2, now);
					statement.setInt(3, BATCH);
				}, (rows, index) -> rows.getString(1));
		int fired = 0;
		for (String name : due) {
			try {
				// the queue's consumer (a NATS call) before the transaction that locks
				// the cron's row, not in it
				find(name).filter((cron) -> this.queues.isExternal(cron.queue()))
					.ifPresent((cron) -> this.queues.ensure(cron.queue()));
				Boolean done = this.transactions.execute((status) -> fire(name));
				if (Boolean.TRUE.equals(done)) {
					fired++;
				}
			}
			catch (RuntimeException ex) {
				if (deterministic(ex)) {
					skipTick(name, ex);
				}
				else {
					// an infrastructure failure never spends a tick: rolled back, the
					// tick is still due and fires in a later poll
					logger.warn("OJS cron {}: its due tick could not be fired (tried again in the next poll): {}", name,
							ex.toString());
				}
			}
		}
		return fired;
	}

	/**
	 * Whether firing would fail the same way in every poll: the type lost its handler,
	 * the queue would be one too many or is not usable, or the stored row does not parse.
	 * Database and NATS failures are not.
	 */
	private static boolean deterministic(RuntimeException failure) {
		return failure instanceof UnknownJobTypeException || failure instanceof JacksonException
				|| (failure instanceof OjsException ojs && ojs.status().is4xxClientError());
	}

	/**
	 * A tick whose job cannot be enqueued (its type lost its handler, its queue is one
	 * too many, ...) is skipped, so that it is not tried again every poll. A cron whose
	 * next tick cannot be computed either (a stored expression or time zone that does not
	 * parse) is disabled, so that it does not take a place among the due ones every poll.
	 */
	private void skipTick(String name, RuntimeException failure) {
		Optional<Cron> cron = Optional.empty();
		try {
			cron = find(name);
			if (cron.isEmpty()) {
				return;
			}
			Instant tick = cron.get().nextRunAt();
			Instant next = CronTicks.next(parse(cron.get().expression()), zone(cron.get().timezone()), tick,
					this.clock.instant());
			if (moveNextRun(cron.get(), tick, next)) {
				logger.warn("OJS cron {}: tick {} skipped, its job could not be enqueued: {}; next tick {}", name, tick,
						failure.toString(), next);
			}
		}
		catch (RuntimeException ex) {
			if (cron.isPresent() && deterministic(ex) && disable(cron.get())) {
				logger.error(
						"OJS cron {}: disabled, its stored row cannot be fired ({}; firing failed with {}); "
								+ "delete it (DELETE /ojs/v1/cron/{}) and register it again",
						name, ex.toString(), failure.toString(), name);
			}
			else {
				logger.warn("OJS cron {}: could not skip its due tick (tried again in the next poll): {}", name,
						ex.toString());
			}
		}
	}

	private boolean disable(Cron cron) {
		return this.jdbc.update("UPDATE jetway_ojs_crons SET enabled = ? WHERE name = ? AND id = ? AND next_run_at = ?",
				(statement) -> {
					statement.setBoolean(1, false);
					statement.setString(2, cron.name());
					statement.setString(3, cron.id());
					this.databaseType.setInstant(statement, 4, cron.nextRunAt());
				}) == 1;
	}

	/**
	 * Fires the cron's due tick if no other instance did: the conditional update of its
	 * next run is the fence.
	 */
	private boolean fire(String name) {
		Optional<Cron> found = find(name);
		Instant now = this.clock.instant();
		if (found.isEmpty() || !found.get().enabled() || found.get().nextRunAt().isAfter(now)) {
			return false;
		}
		Cron cron = found.get();
		Instant tick = cron.nextRunAt();
		Instant next = CronTicks.next(parse(cron.expression()), zone(cron.timezone()), tick, now);
		if (!moveNextRun(cron, tick, next)) {
			return false;
		}
		if (cron.overlapPolicy().equals("skip") && cron.lastJobId() != null
				&& this.jobs.status(UUID.fromString(cron.lastJobId()))
					.filter((job) -> !job.status().isFinal())
					.isPresent()) {
			// not ended: running, waiting for a worker (a paused queue's too), scheduled
			// or
			// waiting for its retry
			logger.debug("OJS cron {}: tick {} skipped, job {} of the previous tick is still active", name, tick,
					cron.lastJobId());
			return true;
		}
		JobOptions.Builder options = JobOptions.builder()
			.queue(cron.queue())
			.idempotencyKey("ojs-cron:" + cron.id() + ":" + tick.toEpochMilli());
		if (cron.maxAttempts() != null) {
			options.maxAttempts(cron.maxAttempts());
		}
		if (cron.meta() != null) {
			options.meta(this.jsonMapper.readValue(cron.meta(), new TypeReference<Map<String, Object>>() {
			}));
		}
		UUID job = this.jobs.enqueue(cron.type(), this.jsonMapper.readTree(cron.args()), options.build());
		this.jdbc.update("UPDATE jetway_ojs_crons SET last_run_at = ?, last_job_id = ?, run_count = run_count + 1 "
				+ "WHERE name = ? AND id = ?", (statement) -> {
					this.databaseType.setInstant(statement, 1, tick);
					statement.setString(2, job.toString());
					statement.setString(3, name);
					statement.setString(4, cron.id());
				});
		return true;
	}

	/**
	 * The fence: moves the cron's next run from {@code tick} to {@code next} unless
	 * another instance did (or the cron was deleted or registered again).
	 * @return whether this call moved it
	 */
	private boolean moveNextRun(Cron cron, Instant tick, Instant next) {
		return this.jdbc.update(
				"UPDATE jetway_ojs_crons SET next_run_at = ? WHERE name = ? AND id = ? AND next_run_at = ?",
				(statement) -> {
					this.databaseType.setInstant(statement, 1, next);
					statement.setString(2, cron.name());
					statement.setString(3, cron.id());
					this.databaseType.setInstant(statement, 4, tick);
				}) == 1;
	}

	/**
	 * @param expression five fields (minute to day of week), six (seconds first), or a
	 * macro such as {@code @daily}
	 * @throws OjsException when it is not valid
	 */
	static CronExpression parse(String expression) {
		String trimmed = expression.trim();
		String spring;
		if (trimmed.startsWith("@")) {
			spring = MACROS.get(trimmed.toLowerCase(Locale.ROOT));
			if (spring == null) {
				throw invalid(
						"Cron expression '" + expression + "' is not supported: the macros are "
								+ "@yearly, @annually, @monthly, @weekly, @daily, @midnight and @hourly (@every is not "
								+ "supported; use a six-field expression with seconds, such as '*/30 * * * * *')",
						"cron");
			}
		}
		else {
			String[] fields = trimmed.split("\\s+");
			if (fields.length != 5 && fields.length != 6) {
				throw invalid("Cron expression '" + expression + "' has " + fields.length
						+ " fields: use five (minute hour day-of-month month day-of-week, such as '0 9 * * *') or "
						+ "six with seconds first (such as '*/10 * * * * *')", "cron");
			}
			spring = (fields.length == 5) ? "0 " + trimmed : trimmed;
		}
		try {
			return CronExpression.parse(spring);
		}
		catch (IllegalArgumentException ex) {
			throw invalid("Cron expression '" + expression + "' is not valid: " + ex.getMessage(), "cron");
		}
	}

	/**
	 * @throws OjsException when the zone is not an IANA region (fixed offsets and
	 * abbreviations such as EST are refused)
	 */
	static ZoneId zone(String timezone) {
		try {
			ZoneId zone = ZoneId.of(timezone);
			boolean utc = timezone.equals("UTC") || timezone.equals("Etc/UTC");
			if (!utc && (!ZoneId.getAvailableZoneIds().contains(timezone) || zone.getRules().isFixedOffset())) {
				throw new IllegalArgumentException("a fixed offset");
			}
			return zone;
		}
		catch (RuntimeException ex) {
			throw invalid(
					"Timezone '" + timezone + "' is not an IANA time zone: use a region such as "
							+ "America/New_York or UTC (fixed offsets and abbreviations such as EST are refused)",
					"timezone");
		}
	}

	private Cron cron(ResultSet rows) throws SQLException {
		int maxAttempts = rows.getInt("max_attempts");
		Integer attempts = rows.wasNull() ? null : maxAttempts;
		return new Cron(rows.getString("name"), rows.getString("id"), rows.getString("expression"),
				rows.getString("timezone"), rows.getString("job_type"), rows.getString("args"), rows.getString("meta"),
				rows.getString("queue"), attempts, rows.getString("overlap_policy"), rows.getBoolean("enabled"),
				this.databaseType.getInstant(rows, "created_at"), this.databaseType.getInstant(rows, "next_run_at"),
				this.databaseType.getInstant(rows, "last_run_at"), rows.getString("last_job_id"),
				rows.getLong("run_count"));
	}

	private static @Nullable String text(JsonNode node, String field) {
		return node.path(field).isString() ? node.path(field).asString() : null;
	}

	private static OjsException invalid(String message, String field) {
		return new OjsException(HttpStatus.BAD_REQUEST, "invalid_request", message, Map.of("field", field));
	}

	private static OjsException notFound(String name) {
		return new OjsException(HttpStatus.NOT_FOUND, "not_found", "Cron job '" + name + "' not found.",
				Map.of("resource_type", "cron", "resource_id", name));
	}

	/** A registered cron job, as stored. */
	record Cron(String name, String id, String expression, String timezone, String type, String args,
			@Nullable String meta, String queue, @Nullable Integer maxAttempts, String overlapPolicy, boolean enabled,
			Instant createdAt, Instant nextRunAt, @Nullable Instant lastRunAt, @Nullable String lastJobId,
			long runCount) {

		/**
		 * @return the binding's fields ({@code cron}, {@code type}, {@code args},
		 * {@code options}) and the conformance suite's ({@code expression},
		 * {@code job_template})
		 */
		Map<String, Object> describe(JsonMapper mapper) {
			Map<String, Object> options = new LinkedHashMap<>();
			options.put("queue", this.queue);
			if (this.maxAttempts != null) {
				options.put("retry", Map.of("max_attempts", this.maxAttempts));
			}
			Object argsNode = mapper.readTree(this.args);
			Object metaNode = (this.meta != null) ? mapper.readTree(this.meta) : Map.of();
			Map<String, Object> described = new LinkedHashMap<>();
			described.put("name", this.name);
			described.put("cron", this.expression);
			described.put("expression", this.expression);
			described.put("timezone", this.timezone);
			described.put("type", this.type);
			described.put("args", argsNode);
			described.put("meta", metaNode);
			described.put("options", options);
			described.put("job_template",
					Map.of("type", this.type, "args", argsNode, "meta", metaNode, "options", options));
			described.put("overlap_policy", this.overlapPolicy);
			described.put("enabled", this.enabled);
			described.put("status", this.enabled ? "active" : "paused");
			described.put("last_run_at", (this.lastRunAt != null) ? this.lastRunAt.toString() : null);
			described.put("next_run_at", this.enabled ? this.nextRunAt.toString() : null);
			described.put("run_count", this.runCount);
			described.put("created_at", this.createdAt.toString());
			return described;
		}

	}

}
