package io.jetway.topology;

/**
 * A setting whose value on the server differs from the declared one.
 *
 * @param property the declaring property path, such as
 * {@code jetway.topology.streams.ORDERS.max-age}
 * @param setting the setting, such as {@code max-age}
 * @param current the value on the server
 * @param wanted the declared value
 * @param changeableInPlace whether the stream can be updated to the declared value; when
 * not, the difference is drift
 */
public record SettingDifference(String property, String setting, String current, String wanted,
		boolean changeableInPlace) {

	/**
	 * @return a sentence for logs and reports
	 */
	public String describe() {
		return this.setting + " is " + this.current + " on the server but " + this.property + " is " + this.wanted
				+ (this.changeableInPlace ? "" : "; " + this.setting + " cannot change in place");
	}

}
