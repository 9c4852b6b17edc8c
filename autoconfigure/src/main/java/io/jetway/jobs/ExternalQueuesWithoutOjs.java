package io.jetway.jobs;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues declared external (run by external workers over OJS) while the OJS endpoints are
 * off: nothing runs their jobs, no instance consumes them and no worker can fetch them,
 * so startup warns.
 */
final class ExternalQueuesWithoutOjs {

	private static final Logger logger = LoggerFactory.getLogger(ExternalQueuesWithoutOjs.class);

	private ExternalQueuesWithoutOjs() {
	}

	/**
	 * @return one warning per external queue (and one for external defaults), empty when
	 * OJS is on
	 */
	static List<String> warnings(JobsProperties properties, boolean ojsEnabled) {
		List<String> warnings = new ArrayList<>();
		if (ojsEnabled) {
			return warnings;
		}
		String consequence = " but jetway.jobs.ojs.enabled is not true: no instance runs its jobs and no external "
				+ "worker can fetch them, so they stay pending; set jetway.jobs.ojs.enabled=true or drop the setting";
		if (properties.getDefaults().isExternal()) {
			warnings.add("Every job queue not declared under jetway.jobs.queues is external "
					+ "(jetway.jobs.defaults.external=true)" + consequence);
		}
		properties.getQueues().forEach((queue, settings) -> {
			if (settings.isExternal()) {
				warnings.add("Job queue '" + queue + "' is external (jetway.jobs.queues." + queue + ".external=true)"
						+ consequence);
			}
		});
		return warnings;
	}

	static void warn(JobsProperties properties, boolean ojsEnabled) {
		warnings(properties, ojsEnabled).forEach(logger::warn);
	}

}
