package io.jetway.consumer;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings shared by all listener containers.
 */
@ConfigurationProperties("jetway.listener")
public class JetwayListenerProperties {

	/**
	 * How long running handlers may finish when the application stops; after it they are
	 * interrupted and their messages redelivered.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(30);

	/**
	 * Maximum age of dead letters in the JETWAY_DLQ stream.
	 */
	private Duration deadLetterRetention = Duration.ofDays(14);

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Duration getDeadLetterRetention() {
		return this.deadLetterRetention;
	}

	public void setDeadLetterRetention(Duration deadLetterRetention) {
		this.deadLetterRetention = deadLetterRetention;
	}

}
