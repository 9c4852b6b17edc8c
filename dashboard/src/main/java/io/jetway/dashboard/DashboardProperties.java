package io.jetway.dashboard;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the Jetway dashboard.
 */
@ConfigurationProperties("jetway.dashboard")
public class DashboardProperties {

	/**
	 * Whether the dashboard is served. Unset: on when Spring Security is on the class
	 * path, off otherwise; {@code true} without Spring Security serves it to anyone who
	 * reaches the application (logged as a WARN).
	 */
	private @Nullable Boolean enabled;

	/**
	 * The path the dashboard is served under, by the application's own web server.
	 */
	private String path = "/jetway";

	/**
	 * The role (without the {@code ROLE_} prefix) that may look at every page.
	 */
	private String readRole = "JETWAY_READER";

	/**
	 * The role (without the {@code ROLE_} prefix) that may also act: retry, cancel, run
	 * now, pause, republish, discard. It includes reading.
	 */
	private String operatorRole = "JETWAY_OPERATOR";

	/**
	 * Rows per page of the jobs, dead-letter and outbox tables.
	 */
	private int pageSize = 25;

	/**
	 * The most bytes of a dead letter's body shown; the rest is cut off.
	 */
	private int previewBytes = 2048;

	/**
	 * The most dead letters one "republish all" of a consumer republishes.
	 */
	private int republishLimit = 100;

	/**
	 * How often open pages poll for live figures (each poll of the overview counts the
	 * jobs table per queue and state).
	 */
	private Duration refreshInterval = Duration.ofSeconds(3);

	public @Nullable Boolean getEnabled() {
		return this.enabled;
	}

	public void setEnabled(@Nullable Boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public String getReadRole() {
		return this.readRole;
	}

	public void setReadRole(String readRole) {
		this.readRole = readRole;
	}

	public String getOperatorRole() {
		return this.operatorRole;
	}

	public void setOperatorRole(String operatorRole) {
		this.operatorRole = operatorRole;
	}

	public int getPageSize() {
		return this.pageSize;
	}

	public void setPageSize(int pageSize) {
		this.pageSize = pageSize;
	}

	public int getPreviewBytes() {
		return this.previewBytes;
	}

	public void setPreviewBytes(int previewBytes) {
		this.previewBytes = previewBytes;
	}

	public int getRepublishLimit() {
		return this.republishLimit;
	}

	public void setRepublishLimit(int republishLimit) {
		this.republishLimit = republishLimit;
	}

	public Duration getRefreshInterval() {
		return this.refreshInterval;
	}

	public void setRefreshInterval(Duration refreshInterval) {
		this.refreshInterval = refreshInterval;
	}

	/**
	 * Refuses settings the dashboard cannot work with, naming the property.
	 */
	void validate() {
		if (!this.path.startsWith("/") || this.path.endsWith("/") || this.path.length() < 2) {
			throw new IllegalArgumentException("jetway.dashboard.path is '" + this.path
					+ "'; give a path that starts with / and does not end with one, such as /jetway");
		}
		requirePositive("page-size", this.pageSize);
		requirePositive("preview-bytes", this.previewBytes);
		requirePositive("republish-limit", this.republishLimit);
		if (this.republishLimit > io.jetway.actuate.JetwayActions.MAX_REPUBLISH_LIMIT) {
			throw new IllegalArgumentException("jetway.dashboard.republish-limit is " + this.republishLimit
					+ "; at most " + io.jetway.actuate.JetwayActions.MAX_REPUBLISH_LIMIT);
		}
		if (this.refreshInterval.toMillis() < 500) {
			throw new IllegalArgumentException(
					"jetway.dashboard.refresh-interval is " + this.refreshInterval + "; at least 500ms");
		}
	}

	private static void requirePositive(String property, int value) {
		if (value < 1) {
			throw new IllegalArgumentException("jetway.dashboard." + property + " is " + value + "; at least 1");
		}
	}

}
