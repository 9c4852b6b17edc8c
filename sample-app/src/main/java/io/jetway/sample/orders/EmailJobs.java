package io.jetway.sample.orders;

import java.util.LinkedHashMap;
import java.util.Map;

import io.jetway.consumer.NonRetryableException;
import io.jetway.jobs.JobContext;
import io.jetway.jobs.JobHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * The job handlers: {@code send_email} (the invoices' e-mails and the API's example),
 * {@code build_report} (the nightly cron schedule) and {@code echo}, which returns its
 * payload.
 */
@Component
public class EmailJobs {

	public static final String SEND_EMAIL = "send_email";

	private static final Log logger = LogFactory.getLog(EmailJobs.class);

	/**
	 * Pretends to send an e-mail. A payload without {@code to} can never succeed, so it
	 * fails at once without retries.
	 */
	@JobHandler(type = SEND_EMAIL, queue = "email")
	Map<String, Object> sendEmail(JsonNode payload, JobContext context) {
		JsonNode to = payload.get("to");
		if (to == null || !to.isString() || !to.stringValue().contains("@")) {
			throw new NonRetryableException("send_email needs 'to', an e-mail address; the payload was " + payload);
		}
		String template = payload.path("template").asString("default");
		logger.info("E-mail '" + template + "' sent to " + to.stringValue() + " (job " + context.id() + ")");
		return Map.of("sent", true);
	}

	@JobHandler(type = "build_report", queue = "reports")
	Map<String, Object> buildReport(JsonNode payload, JobContext context) {
		context.progress(0.5, "summing up");
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("report", payload.path("report").asString("report"));
		result.put("rows", 42);
		return result;
	}

	@JobHandler(type = "echo")
	JsonNode echo(JsonNode payload) {
		return payload;
	}

}
