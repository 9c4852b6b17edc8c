package io.jetway.topology;

/**
 * The streams on the server do not match the declarations and
 * {@code jetway.topology.mode} is {@code validate}. The message lists every missing
 * stream, missing subject and drifted setting.
 */
public class TopologyValidationException extends TopologyException {

	private final TopologyReport report;

	public TopologyValidationException(TopologyReport report) {
		super(describe(report), "jetway.topology.mode",
				"Bring the streams in line (start once with jetway.topology.mode=ensure, or use the nats CLI), "
						+ "or change the declarations to match the server.");
		this.report = report;
	}

	public TopologyReport getReport() {
		return this.report;
	}

	private static String describe(TopologyReport report) {
		StringBuilder message = new StringBuilder("The streams on the NATS server do not match the declarations ("
				+ report.problems().size() + " problems):");
		report.problems().forEach((problem) -> message.append("\n - ").append(problem));
		return message.toString();
	}

}
