package io.jetway.actuate;

import java.security.Principal;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntSupplier;

import io.jetway.actuate.JetwayActions.UnavailableException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code jetway} Actuator endpoint. Reads ({@code GET /actuator/jetway} and
 * {@code GET /actuator/jetway/{part}}, part one of {@link JetwayOverview#PARTS}) show
 * streams, consumers, the outbox, dead letters, jobs and schedules. Writes act on them:
 * <ul>
 * <li>{@code POST /actuator/jetway/listeners/{consumer}/pause} (or {@code resume})</li>
 * <li>{@code POST /actuator/jetway/queues/{queue}/pause} (or {@code resume})</li>
 * <li>{@code POST /actuator/jetway/jobs/{id}/retry}; {@code DELETE
 * /actuator/jetway/jobs/{id}} cancels</li>
 * <li>{@code POST /actuator/jetway/dead-letters/{sequence}/republish}</li>
 * <li>{@code POST /actuator/jetway/consumers/{consumer}/republish-dead-letters} with an
 * optional {@code limit} (default 100)</li>
 * <li>{@code POST /actuator/jetway/outbox/{id}/republish}, or
 * {@code outbox/failed/republish} for every failed row</li>
 * </ul>
 * Its default access is read-only: writes exist only with
 * {@code management.endpoint.jetway.access=unrestricted}. Each write is logged at INFO
 * with who (the principal, when there is one), what and the result.
 */
@Endpoint(id = "jetway", defaultAccess = Access.READ_ONLY)
public class JetwayEndpoint implements DisposableBean {

	private static final Log logger = LogFactory.getLog(JetwayEndpoint.class);

	private final JetwayOverview overview;

	private final JetwayActions actions;

	/**
	 * The reads' threads, closed with the endpoint; writes run on the caller's thread.
	 */
	private final BoundedCalls calls;

	JetwayEndpoint(JetwayOverview overview, JetwayActions actions, BoundedCalls calls) {
		this.overview = overview;
		this.actions = actions;
		this.calls = calls;
	}

	/**
	 * @return every part the application uses
	 */
	@ReadOperation
	public Map<String, Object> jetway() {
		return this.overview.all();
	}

	/**
	 * @param part {@code streams}, {@code consumers}, {@code outbox},
	 * {@code deadLetters}, {@code jobs} or {@code schedules}
	 * @return that part, or {@code null} (404) when the application does not use it
	 */
	@ReadOperation
	public @Nullable Object part(@Selector String part) {
		return this.overview.part(part);
	}

	/**
	 * @param target {@code listeners}, {@code queues}, {@code jobs},
	 * {@code dead-letters}, {@code consumers} or {@code outbox}
	 * @param name the listener's consumer, queue, job id, dead-letter sequence, consumer
	 * or outbox row id ({@code failed} for all failed rows)
	 * @param action {@code pause}, {@code resume}, {@code retry}, {@code republish} or
	 * {@code republish-dead-letters}
	 * @param limit the most dead letters to republish (default 100)
	 * @param security who asks
	 * @return what changed
	 */
	@WriteOperation
	public ActionResult act(@Selector String target, @Selector String name, @Selector String action,
			@Nullable Integer limit, SecurityContext security) {
		String what = action + " " + target + "/" + name;
		return audited(security, what, () -> switch (target + "/" + action) {
			case "listeners/pause", "listeners/resume" -> this.actions.pauseListener(name, action.equals("pause"));
			case "queues/pause", "queues/resume" -> this.actions.pauseQueue(name, action.equals("pause"));
			case "jobs/retry" -> this.actions.retryJob(uuid(name));
			case "dead-letters/republish" -> this.actions.republishDeadLetter(sequence(name));
			case "consumers/republish-dead-letters" -> this.actions.republishDeadLetters(name,
					(limit != null) ? limit : JetwayActions.DEFAULT_REPUBLISH_LIMIT);
			case "outbox/republish" -> name.equals("failed") ? this.actions.republishFailedOutboxRows()
					: this.actions.republishOutboxRow(uuid(name));
			default -> throw new IllegalArgumentException("there is no action '" + action + "' on '" + target
					+ "'; see docs/operations.md, \"Health and the jetway endpoint\"");
		});
	}

	/**
	 * Cancels a scheduled or pending job: {@code DELETE /actuator/jetway/jobs/{id}}.
	 * @param target {@code jobs}
	 * @param id the job id
	 * @param security who asks
	 * @return what changed
	 */
	@DeleteOperation
	public ActionResult cancel(@Selector String target, @Selector String id, SecurityContext security) {
		return audited(security, "cancel " + target + "/" + id, () -> {
			if (!target.equals("jobs")) {
				throw new IllegalArgumentException("only jobs can be deleted (cancelled), not '" + target + "'");
			}
			return this.actions.cancelJob(uuid(id));
		});
	}

	private ActionResult audited(SecurityContext security, String request, IntSupplier action) {
		// path variables are decoded: no line of the audit log may be forged through them
		String what = request.replaceAll("\\p{Cntrl}", "?");
		Principal principal = security.getPrincipal();
		String who = (principal != null) ? principal.getName() : "an unauthenticated caller";
		try {
			int changed = action.getAsInt();
			logger.info("Jetway endpoint: " + who + " asked to " + what + ": " + changed + " changed");
			return new ActionResult(what, changed);
		}
		catch (IllegalArgumentException | UnavailableException ex) {
			logger.info("Jetway endpoint: " + who + " asked to " + what + ": refused, " + ex.getMessage());
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
		catch (RuntimeException ex) {
			logger.info("Jetway endpoint: " + who + " asked to " + what + ": failed, " + ex);
			throw ex;
		}
	}

	private static UUID uuid(String id) {
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("'" + id + "' is not a UUID");
		}
	}

	private static long sequence(String sequence) {
		try {
			return Long.parseLong(sequence);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + sequence + "' is not a dead-letter sequence number");
		}
	}

	@Override
	public void destroy() {
		this.calls.close();
	}

	/**
	 * What a write did.
	 *
	 * @param action the action and its target
	 * @param changed how many listeners, queues, jobs, dead letters or outbox rows it
	 * changed (0 when the target was not found or not in a state to change)
	 */
	public record ActionResult(String action, int changed) {
	}

}
