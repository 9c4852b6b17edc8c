package io.jetway.jobs;

import io.jetway.support.AnnotatedMethodCollector;

/**
 * Finds {@link JobHandler} methods on beans; {@link JobHandlers} resolves them.
 */
public class JobHandlerAnnotationBeanPostProcessor extends AnnotatedMethodCollector<JobHandler> {

	public JobHandlerAnnotationBeanPostProcessor() {
		super(JobHandler.class);
	}

}
