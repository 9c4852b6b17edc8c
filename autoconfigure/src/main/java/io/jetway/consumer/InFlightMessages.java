package io.jetway.consumer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.nats.client.Message;

/**
 * The messages an instance holds and has not settled (listeners: from fetch to
 * settlement; jobs: while their handlers run), so that in-progress acks keep them from
 * being redelivered meanwhile.
 */
public class InFlightMessages {

	private final Set<Message> messages = ConcurrentHashMap.newKeySet();

	public void add(Message message) {
		this.messages.add(message);
	}

	public void remove(Message message) {
		this.messages.remove(message);
	}

	public int size() {
		return this.messages.size();
	}

	public void sendInProgress() {
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
