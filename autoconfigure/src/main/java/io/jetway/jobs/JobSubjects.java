package io.jetway.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.jetway.support.JetwayConfigurationException;
import io.jetway.topology.Subjects;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The subjects of job messages: per queue {@code jetway.jobs.queue.<queue>}, or what the
 * queue's subject template ({@code jetway.jobs.queues.<queue>.subject}, else
 * {@code jetway.jobs.defaults.subject}) makes of the queue's name and the job's metadata,
 * such as {@code atlasdb.jobs.{project}.{env}.{queue}}. A queue's workers filter on its
 * template with each metadata placeholder as {@code *}; the jobs stream holds every
 * template so. Subjects are logical (the namespace is applied where they are used).
 */
public class JobSubjects {

	/** The placeholder of the queue's name. */
	static final String QUEUE = "queue";

	/**
	 * The token of a placeholder whose value the job's metadata lacks (a job of no
	 * tenant, such as a scheduled one).
	 */
	static final String MISSING = "_";

	private static final Pattern TOKEN_VALUE = Pattern.compile("[A-Za-z0-9_-]+");

	private static final Template BUILT_IN = Template.parse(DefaultJobClient.QUEUE_SUBJECT_PREFIX + "{queue}",
			"the built-in subject jetway.jobs.queue.<queue>");

	private final @Nullable Template defaults;

	private final Map<String, Template> queues = new LinkedHashMap<>();

	private final JsonMapper jsonMapper;

	/**
	 * @param properties the jobs properties with the templates
	 * @param jsonMapper reads the metadata
	 * @throws JetwayConfigurationException when a template is invalid or the subjects of
	 * two queues overlap
	 */
	public JobSubjects(JobsProperties properties, JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
		String defaultTemplate = properties.getDefaults().getSubject();
		this.defaults = (defaultTemplate != null) ? Template.parse(defaultTemplate, "jetway.jobs.defaults.subject")
				: null;
		properties.getQueues().forEach((queue, settings) -> {
			if (settings.getSubject() != null) {
				this.queues.put(queue,
						Template.parse(settings.getSubject(), "jetway.jobs.queues." + queue + ".subject"));
			}
		});
		checkQueuesApart(properties);
		streamSubjects();
	}

	/**
	 * The subjects without templates: {@code jetway.jobs.queue.<queue>}.
	 */
	static JobSubjects builtIn() {
		return new JobSubjects(new JobsProperties(), JsonMapper.builder().build());
	}

	/**
	 * The subject of a job's message, at enqueue.
	 * @param queue the job's queue
	 * @param meta the job's metadata as written, or {@code null}
	 * @param type the job type, for the message
	 * @return the logical subject; a value the metadata lacks is {@code _}
	 * @throws IllegalArgumentException when the metadata has a value the template needs
	 * that cannot be a subject token
	 */
	String subject(String queue, @Nullable String meta, String type) {
		Template template = template(queue);
		return template.resolve(queue, template.needsMeta() ? read(meta) : null, (name, problem) -> {
			if (problem == null) {
				return MISSING;
			}
			throw new IllegalArgumentException("Job type '" + type + "' in queue '" + queue + "': " + problem
					+ ", and the queue's subject template '" + template.text() + "' (" + template.property()
					+ ") needs it as a subject token. Give JobOptions.meta a '" + name
					+ "' of letters, digits, '-' and '_'. Nothing was stored.");
		});
	}

	/**
	 * The subject of a job's message when it is published again (dispatch recovery,
	 * retry, direct dispatch): as at enqueue, but a value that cannot be a token (the
	 * template changed since) becomes {@code _} as well, so the queue's workers still
	 * take the message.
	 * @param queue the job's queue
	 * @param meta the job's stored metadata, or {@code null}
	 * @return the logical subject
	 */
	String dispatchSubject(String queue, @Nullable String meta) {
		Template template = template(queue);
		JsonNode values = null;
		if (template.needsMeta() && meta != null) {
			try {
				values = this.jsonMapper.readTree(meta);
			}
			catch (JacksonException ex) {
				// unreadable metadata (a row written by hand): every placeholder is
				// missing
			}
		}
		return template.resolve(queue, values, (name, problem) -> MISSING);
	}

	/**
	 * @param queue a queue
	 * @return the logical filter subject of its workers
	 */
	public String filter(String queue) {
		return template(queue).filter(queue);
	}

	/**
	 * @return the logical subjects of the jobs stream: the built-in one and every
	 * template's, without those another covers
	 * @throws JetwayConfigurationException when two of them overlap without one covering
	 * the other (one stream cannot hold both)
	 */
	public List<String> streamSubjects() {
		List<StreamSubject> candidates = new ArrayList<>();
		// as before templates: a stream declared by an earlier version keeps its subject
		candidates.add(new StreamSubject(DefaultJobClient.QUEUE_SUBJECT_PREFIX + ">", BUILT_IN.property()));
		if (this.defaults != null) {
			candidates.add(new StreamSubject(this.defaults.streamSubject(), this.defaults.property()));
		}
		this.queues.values()
			.forEach((template) -> candidates.add(new StreamSubject(template.streamSubject(), template.property())));
		List<StreamSubject> kept = new ArrayList<>();
		for (StreamSubject candidate : candidates) {
			if (kept.stream().noneMatch((other) -> Subjects.covers(other.subject(), candidate.subject()))) {
				kept.removeIf((other) -> Subjects.covers(candidate.subject(), other.subject()));
				kept.add(candidate);
			}
		}
		for (int i = 0; i < kept.size(); i++) {
			for (int j = i + 1; j < kept.size(); j++) {
				if (Subjects.overlaps(kept.get(i).subject(), kept.get(j).subject())) {
					throw new JetwayConfigurationException(
							"The job subjects of " + kept.get(i).property() + " and " + kept.get(j).property()
									+ " overlap ('" + kept.get(i).subject() + "' and '" + kept.get(j).subject()
									+ "') without one covering the other",
							kept.get(j).property(),
							"One stream cannot hold both: give the template a literal token where the other has a "
									+ "different literal (such as a first token of its own)",
							null);
				}
			}
		}
		return kept.stream().map(StreamSubject::subject).toList();
	}

	/**
	 * A subject of the jobs stream and where it comes from.
	 */
	private record StreamSubject(String subject, String property) {
	}

	private void checkQueuesApart(JobsProperties properties) {
		List<String> names = new ArrayList<>(properties.getQueues().keySet());
		for (int i = 0; i < names.size(); i++) {
			for (int j = i + 1; j < names.size(); j++) {
				String first = filter(names.get(i));
				String second = filter(names.get(j));
				if (Subjects.overlaps(first, second)) {
					throw new JetwayConfigurationException("The subjects of job queues '" + names.get(i) + "' ('"
							+ first + "') and '" + names.get(j) + "' ('" + second + "') overlap",
							template(names.get(j)).property(),
							"The workers of each queue must take subjects no other queue's take (the jobs stream "
									+ "is a work queue): put '{queue}' where the other template has a literal token",
							null);
				}
			}
		}
	}

	private Template template(String queue) {
		Template template = this.queues.get(queue);
		if (template != null) {
			return template;
		}
		return (this.defaults != null) ? this.defaults : BUILT_IN;
	}

	private @Nullable JsonNode read(@Nullable String meta) {
		return (meta != null) ? this.jsonMapper.readTree(meta) : null;
	}

	/**
	 * What to put where the metadata has no usable value.
	 */
	@FunctionalInterface
	interface MissingValue {

		/**
		 * @param name the placeholder
		 * @param problem what is wrong with the value, or {@code null} when the metadata
		 * has none
		 * @return the token to use
		 */
		String token(String name, @Nullable String problem);

	}

	/**
	 * A parsed subject template.
	 *
	 * @param text the template as given
	 * @param property where it was given
	 * @param tokens its tokens; a placeholder's is {@code {name}}
	 */
	record Template(String text, String property, List<String> tokens) {

		private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_-]+)}");

		static Template parse(String text, String property) {
			String[] tokens = text.split("\\.", -1);
			boolean hasQueue = false;
			for (String token : tokens) {
				boolean placeholder = PLACEHOLDER.matcher(token).matches();
				hasQueue |= token.equals("{" + QUEUE + "}");
				if (!placeholder
						&& (token.contains("{") || token.contains("}") || token.contains("*") || token.contains(">"))) {
					throw invalid(text, property, "token '" + token + "' is neither a literal nor a placeholder");
				}
			}
			if (!hasQueue) {
				throw invalid(text, property, "it has no '{queue}' token");
			}
			Template template = new Template(text, property, List.of(tokens));
			if (!Subjects.isValid(template.streamSubject())) {
				throw invalid(text, property, "it does not make a valid NATS subject");
			}
			return template;
		}

		private static JetwayConfigurationException invalid(String text, String property, String problem) {
			return new JetwayConfigurationException("Invalid job subject template '" + text + "': " + problem, property,
					"Use dot-separated tokens, each a literal or a placeholder: '{queue}' (required, the queue's "
							+ "name) or '{name}' (the job's metadata 'name'), such as "
							+ "'atlasdb.jobs.{project}.{env}.{queue}'",
					null);
		}

		boolean needsMeta() {
			return this.tokens.stream().anyMatch((token) -> isPlaceholder(token) && !token.equals("{" + QUEUE + "}"));
		}

		String resolve(String queue, @Nullable JsonNode meta, MissingValue missing) {
			StringBuilder subject = new StringBuilder();
			for (String token : this.tokens) {
				if (subject.length() > 0) {
					subject.append('.');
				}
				if (!isPlaceholder(token)) {
					subject.append(token);
					continue;
				}
				String name = token.substring(1, token.length() - 1);
				if (name.equals(QUEUE)) {
					subject.append(queue);
					continue;
				}
				JsonNode value = (meta != null) ? meta.get(name) : null;
				if (value == null || value.isNull()) {
					subject.append(missing.token(name, null));
				}
				else if (!(value.isString() || value.isIntegralNumber())
						|| !TOKEN_VALUE.matcher(value.asString()).matches()) {
					subject.append(missing.token(name, "its metadata's '" + name + "' is " + value));
				}
				else {
					subject.append(value.asString());
				}
			}
			return subject.toString();
		}

		/**
		 * @return the subject of the queue's workers: each metadata placeholder a
		 * {@code *}
		 */
		String filter(String queue) {
			return String.join(".",
					this.tokens.stream()
						.map((token) -> token.equals("{" + QUEUE + "}") ? queue : isPlaceholder(token) ? "*" : token)
						.toList());
		}

		/**
		 * @return the subject of the stream: each placeholder a {@code *}
		 */
		String streamSubject() {
			return String.join(".", this.tokens.stream().map((token) -> isPlaceholder(token) ? "*" : token).toList());
		}

		private static boolean isPlaceholder(String token) {
			return PLACEHOLDER.matcher(token).matches();
		}

	}

}
