package io.jetway.consumer;

import io.jetway.support.AnnotatedMethodCollector;

/**
 * Finds {@link JetStreamListener} methods on beans. The {@link JetStreamListenerRegistry}
 * turns them into running containers once every bean exists.
 */
public class JetStreamListenerAnnotationBeanPostProcessor extends AnnotatedMethodCollector<JetStreamListener> {

	public JetStreamListenerAnnotationBeanPostProcessor() {
		super(JetStreamListener.class);
	}

}
