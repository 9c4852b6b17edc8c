package io.jetway.dashboard;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.jetway.actuate.JetwayActions;
import io.jetway.actuate.JetwayActions.UnavailableException;
import io.jetway.actuate.JetwayOverview;
import io.jetway.actuate.JetStreamReads.DeadLetterCounts;
import io.jetway.consumer.DeadLetter;
import io.jetway.consumer.DeadLetters;
import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobQuery;
import io.jetway.jobs.JobState;
import io.jetway.jobs.JobStatus;
import io.jetway.outbox.OutboxEntry;
import io.jetway.outbox.OutboxOperations;
import io.jetway.outbox.OutboxStatus;
import io.nats.client.Connection;
import io.nats.client.api.ServerInfo;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.support.RequestContextUtils;

/**
 * Serves the dashboard's pages, its live figures (JSON) and its static files under
 * {@code jetway.dashboard.path}, and runs its actions through {@link JetwayActions}, the
 * service of the {@code jetway} endpoint's writes, audited in this class's log. Who may
 * see and do what is checked before (see {@link DashboardInterceptor}).
 */
@Controller
@RequestMapping("${jetway.dashboard.path:/jetway}")
@ResponseBody
class DashboardController {

	private static final Log logger = LogFactory.getLog(DashboardController.class);

	private static final MediaType HTML = new MediaType("text", "html", StandardCharsets.UTF_8);

	private static final String NOTICE = "jetway.dashboard.notice";

	private static final int MAX_JOBS_DEEP = 10_000;

	private final DashboardProperties properties;

	private final DashboardAccess access;

	private final JetwayOverview overview;

	private final JetwayActions actions;

	private final Connection connection;

	private final @Nullable JobClient jobs;

	private final @Nullable DeadLetters deadLetters;

	private final @Nullable OutboxOperations outbox;

	DashboardController(DashboardProperties properties, DashboardAccess access, JetwayOverview overview,
			JetwayActions actions, Connection connection, @Nullable JobClient jobs, @Nullable DeadLetters deadLetters,
			@Nullable OutboxOperations outbox) {
		this.properties = properties;
		this.access = access;
		this.overview = overview;
		this.actions = actions;
		this.connection = connection;
		this.jobs = jobs;
		this.deadLetters = deadLetters;
		this.outbox = outbox;
	}

	@GetMapping({ "", "/" })
	ResponseEntity<String> overview(HttpServletRequest request) {
		Frame frame = frame(request);
		return html(frame.render("Overview", "/live", notice(request),
				new OverviewPage(frame).render(nats(), this.overview.all())));
	}

	/**
	 * @param part one part of the overview ({@code JetwayOverview.PARTS}), or none for
	 * all of them and the NATS connection
	 */
	@GetMapping("/live")
	ResponseEntity<String> live(@RequestParam(required = false) @Nullable String part) {
		if (part != null) {
			return json(LiveFigures.flatten(part, this.overview.part(part)));
		}
		Map<String, String> figures = LiveFigures.flatten("nats", nats());
		figures.putAll(LiveFigures.flatten("", this.overview.all()));
		return json(figures);
	}

	@GetMapping("/jobs")
	ResponseEntity<String> jobs(HttpServletRequest request, @RequestParam(required = false) @Nullable String queue,
			@RequestParam(required = false) @Nullable String type,
			@RequestParam(required = false) @Nullable String state,
			@RequestParam(required = false) @Nullable String from, @RequestParam(required = false) @Nullable String to,
			@RequestParam(required = false) @Nullable String id, @RequestParam(defaultValue = "0") int page) {
		JobClient client = require(this.jobs, "jobs");
		Frame frame = frame(request);
		String notice = notice(request);
		if (id != null && !id.isBlank()) {
			UUID uuid = uuid(id.strip());
			if (uuid != null && client.status(uuid).isPresent()) {
				return ResponseEntity.status(HttpStatus.SEE_OTHER)
					.header(HttpHeaders.LOCATION, frame.url("/jobs/" + uuid))
					.build();
			}
			// the id stays in the search field; a notice never repeats text from the
			// address
			notice = "No job has the id searched for.";
		}
		JobQuery query;
		try {
			query = new JobQuery(blankToNull(queue), blankToNull(type),
					(blankToNull(state) != null) ? JobState.fromColumn(state.strip()) : null, instant("from", from),
					instant("to", to));
		}
		catch (IllegalArgumentException ex) {
			query = new JobQuery(null, null, null, null, null);
			notice = ex.getMessage();
		}
		int size = this.properties.getPageSize();
		// an offset reads and skips every row before it: bound how deep a page may be
		int deepest = Math.max(0, MAX_JOBS_DEEP / size - 1);
		int current = Math.max(0, page);
		if (current > deepest) {
			current = deepest;
			notice = "The jobs table goes at most 10,000 jobs deep; narrow the filter (queue, state, created from/to) "
					+ "to see older jobs.";
		}
		List<JobStatus> found = client.find(query, current * size, size + 1);
		List<String> paused = (query.queue() != null && client.isPaused(query.queue())) ? List.of(query.queue())
				: List.of();
		return html(frame.render("Jobs", null, notice,
				new JobsPage(frame).render(query, id, found, current, size, paused)));
	}

	@GetMapping("/jobs/{id}")
	ResponseEntity<String> job(HttpServletRequest request, @PathVariable String id) {
		Optional<JobStatus> job = job(id);
		Frame frame = frame(request);
		if (job.isEmpty()) {
			return html(HttpStatus.NOT_FOUND,
					frame.render("Job not found", null, "No job has the id in this address.", new Html()));
		}
		return html(frame.render("Job " + job.get().type(), "/jobs/" + job.get().id() + "/live", notice(request),
				new JobPage(frame).render(job.get())));
	}

	@GetMapping("/jobs/{id}/live")
	ResponseEntity<String> jobLive(@PathVariable String id) {
		return job(id).map((job) -> json(JobPage.figures(job))).orElseGet(() -> ResponseEntity.notFound().build());
	}

	@GetMapping("/dead-letters")
	ResponseEntity<String> deadLetters(HttpServletRequest request,
			@RequestParam(required = false) @Nullable String consumer, @RequestParam(defaultValue = "0") long after) {
		DeadLetters letters = require(this.deadLetters, "a dead-letter stream");
		Frame frame = frame(request);
		String notice = notice(request);
		Object part = this.overview.part("deadLetters");
		Map<String, Long> counts = (part instanceof DeadLetterCounts deadLetterCounts) ? deadLetterCounts.byConsumer()
				: Map.of();
		if (part instanceof Map<?, ?> error && notice == null) {
			notice = "Could not count the dead letters: " + error.get("error");
		}
		boolean capped = part instanceof DeadLetterCounts deadLetterCounts && deadLetterCounts.byConsumerCapped();
		if (capped && notice == null) {
			notice = ((DeadLetterCounts) part).total() + " dead letters, on more subjects than are counted per "
					+ "consumer: add ?consumer=<name> to the address to list one consumer's";
		}
		String shown = blankToNull(consumer);
		if (shown == null && counts.size() == 1) {
			shown = counts.keySet().iterator().next();
		}
		int size = this.properties.getPageSize();
		String selected = shown;
		List<DeadLetter> found = (selected != null)
				? letters.listAfter(Math.max(0, Math.min(after, Long.MAX_VALUE - 1)),
						(deadLetter) -> deadLetter.consumer().equals(selected), size + 1)
				: List.of();
		return html(
				frame.render("Dead letters", null, notice, new DeadLettersPage(frame, this.properties.getPreviewBytes())
					.render(counts, capped, shown, found, after, size, this.properties.getRepublishLimit())));
	}

	@GetMapping("/outbox")
	ResponseEntity<String> outbox(HttpServletRequest request) {
		OutboxOperations operations = require(this.outbox, "an outbox");
		Frame frame = frame(request);
		Object part = this.overview.part("outbox");
		List<OutboxEntry> failed = operations.list(OutboxStatus.FAILED, this.properties.getPageSize());
		return html(frame.render("Outbox", "/live?part=outbox", notice(request), new OutboxPage(frame)
			.render((part instanceof Map<?, ?> map) ? map : Map.of(), failed, this.properties.getPageSize())));
	}

	@GetMapping("/static/{file:dashboard\\.(?:js|css)}")
	ResponseEntity<Resource> staticFile(@PathVariable String file) {
		MediaType type = file.endsWith(".js") ? new MediaType("text", "javascript", StandardCharsets.UTF_8)
				: new MediaType("text", "css", StandardCharsets.UTF_8);
		return ResponseEntity.ok()
			.contentType(type)
			.cacheControl(CacheControl.noCache())
			.body(new ClassPathResource("io/jetway/dashboard/static/" + file));
	}

	/**
	 * Runs one action and returns to the page it was asked from, with its outcome in a
	 * flash attribute (never in the address, where anyone could write a message of their
	 * own into a link).
	 */
	@PostMapping("/actions/{target}/{name}/{action}")
	ResponseEntity<Void> act(HttpServletRequest request, HttpServletResponse response, @PathVariable String target,
			@PathVariable String name, @PathVariable String action,
			@RequestParam(required = false) @Nullable String back) {
		String who = this.access.viewer(request).name();
		String what = action + " " + target + "/" + name;
		String notice;
		try {
			int changed = this.actions.audited(logger, "Jetway dashboard", who, what,
					() -> this.actions.act(target, name, action, this.properties.getRepublishLimit()));
			notice = "Asked to " + what + ": " + changed + " changed.";
		}
		catch (IllegalArgumentException | UnavailableException ex) {
			notice = "Refused to " + what + ": " + ex.getMessage();
		}
		catch (RuntimeException ex) {
			notice = "Could not " + what + ": " + ex.getMessage();
		}
		String base = base(request);
		// only back to a page of the dashboard
		boolean local = back != null
				&& (back.equals(base) || back.startsWith(base + "/") || back.startsWith(base + "?"))
				&& back.indexOf("//", base.length()) < 0 && back.indexOf('\\') < 0;
		String location = (local) ? back : base;
		RequestContextUtils.getOutputFlashMap(request).put(NOTICE, notice);
		RequestContextUtils.saveOutputFlashMap(location, request, response);
		return ResponseEntity.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, location).build();
	}

	/**
	 * A page of a part the application does not use (no jobs, no outbox, no dead-letter
	 * stream).
	 */
	@ExceptionHandler(UnavailableException.class)
	ResponseEntity<String> unavailable(UnavailableException ex) {
		return ResponseEntity.status(HttpStatus.NOT_FOUND)
			.contentType(MediaType.TEXT_PLAIN)
			.body("Not here: " + ex.getMessage() + ".");
	}

	private Map<String, String> nats() {
		Map<String, String> nats = new LinkedHashMap<>();
		nats.put("status", String.valueOf(this.connection.getStatus()));
		nats.put("server", LiveFigures.text(this.connection.getConnectedUrl()));
		ServerInfo info = this.connection.getServerInfo();
		nats.put("name", (info != null) ? info.getServerName() : "");
		nats.put("version", (info != null) ? info.getVersion() : "");
		return nats;
	}

	/**
	 * @return the outcome of the action that redirected here, or {@code null}
	 */
	private static @Nullable String notice(HttpServletRequest request) {
		Map<String, ?> flash = RequestContextUtils.getInputFlashMap(request);
		return (flash != null && flash.get(NOTICE) instanceof String notice) ? notice : null;
	}

	private Optional<JobStatus> job(String id) {
		UUID uuid = uuid(id);
		return (uuid != null) ? require(this.jobs, "jobs").status(uuid) : Optional.empty();
	}

	private Frame frame(HttpServletRequest request) {
		String query = request.getQueryString();
		String self = request.getRequestURI() + ((query != null) ? "?" + query : "");
		return new Frame(base(request), this.access.viewer(request), self,
				this.properties.getRefreshInterval().toMillis());
	}

	private String base(HttpServletRequest request) {
		return request.getContextPath() + this.properties.getPath();
	}

	private static <T> T require(@Nullable T part, String what) {
		if (part == null) {
			throw new UnavailableException("the application has no " + what);
		}
		return part;
	}

	private static @Nullable UUID uuid(String id) {
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static @Nullable String blankToNull(@Nullable String value) {
		return (value == null || value.isBlank()) ? null : value.strip();
	}

	/**
	 * @return an instant given as ISO-8601 ({@code 2026-12-01T10:00:00Z}) or as a local
	 * date-time in UTC ({@code 2026-12-01T10:00})
	 */
	private static @Nullable Instant instant(String name, @Nullable String value) {
		String text = blankToNull(value);
		if (text == null) {
			return null;
		}
		try {
			return Instant.parse(text);
		}
		catch (DateTimeParseException ex) {
			try {
				return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
			}
			catch (DateTimeParseException again) {
				throw new IllegalArgumentException("The '" + name
						+ "' field is not a time; give one such as 2026-12-01T10:00:00Z or 2026-12-01T10:00 (UTC)");
			}
		}
	}

	private static ResponseEntity<String> html(String page) {
		return html(HttpStatus.OK, page);
	}

	private static ResponseEntity<String> html(HttpStatus status, String page) {
		return ResponseEntity.status(status).contentType(HTML).cacheControl(CacheControl.noStore()).body(page);
	}

	private static ResponseEntity<String> json(Map<String, String> figures) {
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.cacheControl(CacheControl.noStore())
			.body(LiveFigures.json(figures));
	}

}
