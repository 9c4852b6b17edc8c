package io.jetway.webhook;

/**
 * A webhook URL failed {@link UrlGuard}'s rules. {@link #getReason()} says why in plain
 * words, for example {@code host 'metadata.google.internal' is an internal name} or
 * {@code 10.0.0.5 is a private address (10.0.0.0/8)}; the message adds what can be done
 * about it.
 */
public class WebhookUrlRejectedException extends IllegalArgumentException {

	private final String reason;

	private final boolean resolutionFailure;

	private final boolean resolvedAddress;

	WebhookUrlRejectedException(String reason, String hint, boolean resolutionFailure) {
		this(reason, hint, resolutionFailure, false);
	}

	WebhookUrlRejectedException(String reason, String hint, boolean resolutionFailure, boolean resolvedAddress) {
		super("Webhook URL rejected: " + reason + (hint.isEmpty() ? "" : ". " + hint));
		this.reason = reason;
		this.resolutionFailure = resolutionFailure;
		this.resolvedAddress = resolvedAddress;
	}

	WebhookUrlRejectedException(String reason) {
		this(reason, "", false);
	}

	/**
	 * @return why the URL was rejected, without advice
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * Whether the host name could not be resolved. At enqueue this is a rejection like
	 * any other; at send time it may be a passing DNS outage, so a sender treats it as
	 * retryable.
	 * @return {@code true} when DNS gave no answer for the host
	 */
	public boolean isResolutionFailure() {
		return this.resolutionFailure;
	}

	/**
	 * Whether the reason names what DNS answered: an address the host resolved to (or,
	 * with {@link #isResolutionFailure()}, the resolver's error). That is internal
	 * information: an application that shows the reason to the URL's sender (another
	 * tenant) should show a generic refusal and log this message instead.
	 * @return {@code true} when the host resolved to an address that is not allowed
	 */
	public boolean isResolvedAddressRejection() {
		return this.resolvedAddress;
	}

}
