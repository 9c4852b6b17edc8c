package io.jetway.publish;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Publishing.
 */
@ConfigurationProperties("jetway.publish")
public class JetwayPublishProperties {

	/**
	 * The CloudEvents source (ce-source header) of every message. Defaults to '/' +
	 * spring.application.name.
	 */
	private @Nullable String source;

	/**
	 * How long a direct publish (outside a transaction) waits for the server's PubAck.
	 */
	private Duration ackTimeout = Duration.ofSeconds(5);

	public @Nullable String getSource() {
		return this.source;
	}

	public void setSource(@Nullable String source) {
		this.source = source;
	}

	public Duration getAckTimeout() {
		return this.ackTimeout;
	}

	public void setAckTimeout(Duration ackTimeout) {
		this.ackTimeout = ackTimeout;
	}

}
