package io.jetway.consumer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.nats.client.Message;

/**
 * The messages whose handlers are running, so that in-progress acks keep them from being
 * redelivered while a long handler works.
 */
class InFlightMessages {

	private final Set<Message> messages = ConcurrentHashMap.newKeySet();

	void add(Message message) {
		this.messages.add(message);
	}

	void remove(Message message) {
		this.messages.remove(message);
	}

	int size() {
		return this.messages.size();
	}

	void sendInProgress() {
		for (Message message : this.messages) {
			try {
				message.inProgress();
			}
			catch (RuntimeException ex) {
				// the connection is gone; the message will be redelivered
			}
		}
	}

}
