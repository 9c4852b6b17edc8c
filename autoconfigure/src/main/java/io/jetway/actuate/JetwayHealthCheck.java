package io.jetway.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One part of the {@code jetway} health indicator (topology, outbox, consumers, dead
 * letters, jobs). A check reads what it needs once, within the health timeout, and says
 * how bad it is.
 */
interface JetwayHealthCheck {

	/**
	 * @return the name of the check's entry in the health details
	 */
	String name();

	/**
	 * @return what the check found
	 * @throws Exception when the database or NATS could not be read (reported as DOWN)
	 */
	Result check() throws Exception;

	/**
	 * How bad a check's finding is, in increasing order.
	 */
	enum Level {

		/** Nothing to see. */
		UP,

		/** A threshold is passed: worth a look, the application still works. */
		DEGRADED,

		/** Jetway cannot work: the database or NATS cannot be reached. */
		DOWN;

		Level worse(Level other) {
			return (other.ordinal() > ordinal()) ? other : this;
		}

	}

	/**
	 * What a check found.
	 *
	 * @param level how bad it is
	 * @param details what to show, in order
	 */
	record Result(Level level, Map<String, Object> details) {

		static Builder builder() {
			return new Builder();
		}

		static final class Builder {

			private Level level = Level.UP;

			private final Map<String, Object> details = new LinkedHashMap<>();

			Builder detail(String key, Object value) {
				this.details.put(key, value);
				return this;
			}

			/**
			 * Degrades the result when the condition holds.
			 */
			Builder degradedIf(boolean condition) {
				if (condition) {
					this.level = this.level.worse(Level.DEGRADED);
				}
				return this;
			}

			Builder level(Level level) {
				this.level = this.level.worse(level);
				return this;
			}

			Result build() {
				return new Result(this.level, this.details);
			}

		}

	}

}
