package io.jetway.support;

import java.time.Duration;

/**
 * Bindable form of a {@link Backoff}, nested in the properties of each capability that
 * retries.
 */
public class BackoffProperties {

	/**
	 * Delay after the first failure.
	 */
	private Duration initial;

	/**
	 * Factor by which the delay grows after each further failure.
	 */
	private double multiplier;

	/**
	 * Longest delay.
	 */
	private Duration max;

	/**
	 * Random spread of each delay as a fraction (0.2 means ±20%), so that many retries do
	 * not fire at once.
	 */
	private double jitter;

	public BackoffProperties(Duration initial, double multiplier, Duration max, double jitter) {
		this.initial = initial;
		this.multiplier = multiplier;
		this.max = max;
		this.jitter = jitter;
	}

	public Duration getInitial() {
		return this.initial;
	}

	public void setInitial(Duration initial) {
		this.initial = initial;
	}

	public double getMultiplier() {
		return this.multiplier;
	}

	public void setMultiplier(double multiplier) {
		this.multiplier = multiplier;
	}

	public Duration getMax() {
		return this.max;
	}

	public void setMax(Duration max) {
		this.max = max;
	}

	public double getJitter() {
		return this.jitter;
	}

	public void setJitter(double jitter) {
		this.jitter = jitter;
	}

	/**
	 * @param property the property path, for the error message
	 * @return the backoff
	 */
	public Backoff toBackoff(String property) {
		try {
			return new Backoff(this.initial, this.multiplier, this.max, this.jitter);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(property + ": " + ex.getMessage(), ex);
		}
	}

}
