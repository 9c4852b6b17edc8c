package io.jetway.topology;

/**
 * What Jetway does with the declared streams at startup.
 */
public enum TopologyMode {

	/**
	 * Create missing streams, add missing subjects and change settings that can change in
	 * place; warn about skipped subjects and drift; never remove subjects or data.
	 */
	ENSURE,

	/**
	 * Change nothing; fail startup with one report of every missing stream, missing
	 * subject and drifted setting.
	 */
	VALIDATE,

	/**
	 * Do nothing at startup.
	 */
	OFF

}
