package io.jetway.jobs;

/**
 * Checks a job's webhook URL at enqueue. The webhook capability supplies the SSRF rules;
 * without it every URL is refused, so that no job posts to an unchecked address.
 */
@FunctionalInterface
public interface JobWebhookUrlValidator {

	/**
	 * @param url the URL
	 * @throws IllegalArgumentException saying why the URL is refused
	 */
	void validate(String url);

}
