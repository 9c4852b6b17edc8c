package io.jetway.jobs.ojs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.jetway.jdbc.DatabaseType;
import io.jetway.support.MessageIds;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Worker tokens in {@code jetway_worker_tokens}: minted with a name and the queues they
 * may serve ({@code *} for all); the plaintext ({@code wkr_...}) is returned once and
 * only its SHA-256 is stored. Every call looks the token up, so a revoked token is
 * refused at once on every instance.
 */
class WorkerTokens {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final String PREFIX = "wkr_";

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	private final Clock clock;

	WorkerTokens(JdbcTemplate jdbc, DatabaseType databaseType, Clock clock) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
		this.clock = clock;
	}

	/**
	 * @return the token's metadata and its plaintext, which is not stored
	 */
	Minted mint(String name, List<String> queues) {
		if (name.isBlank() || name.length() > 255) {
			throw OjsException.invalid("A worker token needs a 'name' of 1 to 255 characters");
		}
		if (queues.isEmpty()) {
			throw OjsException.invalid("A worker token needs 'queues': queue names, or [\"*\"] for all");
		}
		queues.stream().filter((queue) -> !"*".equals(queue)).forEach(OjsQueues::checkName);
		byte[] secret = new byte[32];
		RANDOM.nextBytes(secret);
		String plaintext = PREFIX + HexFormat.of().formatHex(secret);
		WorkerToken token = new WorkerToken(MessageIds.next(), name, List.copyOf(queues), this.clock.instant(), null);
		this.jdbc.update("INSERT INTO jetway_worker_tokens (id, name, queues, token_hash, created_at) VALUES "
				+ "(?, ?, ?, ?, ?)", (statement) -> {
					this.databaseType.setUuid(statement, 1, token.id());
					statement.setString(2, name);
					statement.setString(3, String.join(",", queues));
					statement.setString(4, sha256(plaintext));
					this.databaseType.setInstant(statement, 5, token.createdAt());
				});
		return new Minted(token, plaintext);
	}

	List<WorkerToken> list() {
		return this.jdbc.query(
				"SELECT id, name, queues, created_at, revoked_at FROM jetway_worker_tokens " + "ORDER BY created_at",
				this::token);
	}

	/**
	 * @return whether a token that was not revoked is revoked now
	 */
	boolean revoke(UUID id) {
		return this.jdbc.update("UPDATE jetway_worker_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
				(statement) -> {
					this.databaseType.setInstant(statement, 1, this.clock.instant());
					this.databaseType.setUuid(statement, 2, id);
				}) == 1;
	}

	/**
	 * @param authorization the Authorization header
	 * @return the token's worker
	 * @throws OjsException 401 when the header holds no token, or one unknown or revoked
	 */
	WorkerToken authenticate(@Nullable String authorization) {
		if (authorization == null || !authorization.startsWith("Bearer " + PREFIX)) {
			throw unauthenticated("A worker token is required: send it as 'Authorization: Bearer wkr_...'");
		}
		String hash = sha256(authorization.substring("Bearer ".length()).trim());
		return this.jdbc
			.query("SELECT id, name, queues, created_at, revoked_at FROM jetway_worker_tokens WHERE token_hash = ? "
					+ "AND revoked_at IS NULL", (statement) -> statement.setString(1, hash), this::token)
			.stream()
			.findFirst()
			.orElseThrow(() -> unauthenticated("The worker token is unknown or was revoked"));
	}

	private static OjsException unauthenticated(String message) {
		return new OjsException(HttpStatus.UNAUTHORIZED, "unauthenticated", message, Map.of());
	}

	private WorkerToken token(ResultSet rows, int row) throws SQLException {
		return new WorkerToken(this.databaseType.getUuid(rows, "id"), rows.getString("name"),
				Arrays.asList(rows.getString("queues").split(",")), this.databaseType.getInstant(rows, "created_at"),
				this.databaseType.getInstant(rows, "revoked_at"));
	}

	static String sha256(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	/**
	 * A worker token's metadata.
	 *
	 * @param id its id
	 * @param name its name
	 * @param queues the queues it may serve, {@code *} for all
	 * @param createdAt when it was minted
	 * @param revokedAt when it was revoked
	 */
	record WorkerToken(UUID id, String name, List<String> queues, @Nullable Instant createdAt,
			@Nullable Instant revokedAt) {

		/** Any worker, when tokens are not required. */
		static final WorkerToken ANY = new WorkerToken(new UUID(0, 0), "any", List.of("*"), null, null);

		boolean allows(String queue) {
			return this.queues.contains("*") || this.queues.contains(queue);
		}

		void checkAllows(String queue) {
			if (!allows(queue)) {
				throw new OjsException(
						HttpStatus.FORBIDDEN, "permission_denied", "Worker token '" + this.name
								+ "' may not serve queue '" + queue + "' (it may serve " + this.queues + ")",
						Map.of("queue", queue));
			}
		}

	}

	/**
	 * A token just minted.
	 *
	 * @param token its metadata
	 * @param plaintext the token itself, shown once
	 */
	record Minted(WorkerToken token, String plaintext) {
	}

}
