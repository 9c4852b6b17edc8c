package io.jetway.benchmarks;

import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;

/**
 * The JobRunr job of the jobs benchmark: carries a sequence number; its handler does
 * nothing but report the start.
 */
public class NoOpJobRequest implements JobRequest {

	private long seq;

	public NoOpJobRequest() {
	}

	NoOpJobRequest(long seq) {
		this.seq = seq;
	}

	public long getSeq() {
		return this.seq;
	}

	public void setSeq(long seq) {
		this.seq = seq;
	}

	@Override
	public Class<Handler> getJobRequestHandler() {
		return Handler.class;
	}

	/** Reports the start, nothing else. */
	public static class Handler implements JobRequestHandler<NoOpJobRequest> {

		@Override
		public void run(NoOpJobRequest request) {
			JobProbe.started(request.getSeq());
		}

	}

}
