package io.jetway.actuate;

import java.security.Principal;
import java.util.Map;
import java.util.function.IntSupplier;

import io.jetway.actuate.JetwayActions.UnavailableException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

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
 * <li>{@code POST /actuator/jetway/jobs/{id}/retry} (a failed job) or {@code run-now} (a
 * scheduled one); {@code DELETE /actuator/jetway/jobs/{id}} cancels</li>
 * <li>{@code POST /actuator/jetway/dead-letters/{sequence}/republish}; {@code DELETE
 * /actuator/jetway/dead-letters/{sequence}} discards</li>
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
public class JetwayEndpoint {

	private static final Log logger = LogFactory.getLog(JetwayEndpoint.class);

	private final JetwayOverview overview;

	private final JetwayActions actions;

	JetwayEndpoint(JetwayOverview overview, JetwayActions actions) {
		this.overview = overview;
		this.actions = actions;
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
	 * @param action {@code pause}, {@code resume}, {@code retry}, {@code run-now},
	 * {@code republish} or {@code republish-dead-letters}
	 * @param limit the most dead letters to republish (default 100)
	 * @param security who asks
	 * @return what changed
	 */
	@WriteOperation
	public ActionResult act(@Selector String target, @Selector String name, @Selector String action,
			@Nullable Integer limit, SecurityContext security) {
		String what = action + " " + target + "/" + name;
		return audited(security, what, () -> this.actions.act(target, name, action, limit));
	}

	/**
	 * Cancels a scheduled or pending job ({@code DELETE /actuator/jetway/jobs/{id}}), or
	 * discards a dead letter ({@code DELETE /actuator/jetway/dead-letters/{sequence}}).
	 * @param target {@code jobs} or {@code dead-letters}
	 * @param id the job id or dead-letter sequence
	 * @param security who asks
	 * @return what changed
	 */
	@DeleteOperation
	public ActionResult cancel(@Selector String target, @Selector String id, SecurityContext security) {
		String action = target.equals("dead-letters") ? "discard" : "cancel";
		return audited(security, action + " " + target + "/" + id, () -> {
			if (!target.equals("jobs") && !target.equals("dead-letters")) {
				throw new IllegalArgumentException(
						"only jobs (cancelled) and dead-letters (discarded) can be deleted, not '" + target + "'");
			}
			return this.actions.act(target, id, action, null);
		});
	}

	private ActionResult audited(SecurityContext security, String request, IntSupplier action) {
		Principal principal = security.getPrincipal();
		try {
			int changed = this.actions.audited(logger, "Jetway endpoint",
					(principal != null) ? principal.getName() : null, request, action);
			return new ActionResult(request.replaceAll("\\p{Cntrl}", "?"), changed);
		}
		catch (IllegalArgumentException | UnavailableException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
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
