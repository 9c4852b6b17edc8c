package io.jetway.topology;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Keeps applications or environments that share one NATS server apart: every subject
 * Jetway declares, publishes to, subscribes to or filters on gets the subject prefix, and
 * every stream name the stream prefix.
 *
 * @see Namespace
 */
@ConfigurationProperties("jetway.namespace")
public class JetwayNamespaceProperties {

	/**
	 * Prefix for every subject, without a trailing dot, for example 'prod.billing' turns
	 * 'orders.created' into 'prod.billing.orders.created'. Must not contain wildcards.
	 * Empty for none.
	 */
	private @Nullable String subjectPrefix;

	/**
	 * Prefix for every stream name, for example 'PROD_BILLING_' turns 'ORDERS' into
	 * 'PROD_BILLING_ORDERS'. Empty for none.
	 */
	private @Nullable String streamPrefix;

	public @Nullable String getSubjectPrefix() {
		return this.subjectPrefix;
	}

	public void setSubjectPrefix(@Nullable String subjectPrefix) {
		this.subjectPrefix = subjectPrefix;
	}

	public @Nullable String getStreamPrefix() {
		return this.streamPrefix;
	}

	public void setStreamPrefix(@Nullable String streamPrefix) {
		this.streamPrefix = streamPrefix;
	}

}
