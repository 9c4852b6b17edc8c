package io.jetway.sample.orders;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * An order, saved together with its {@link OrderCreated} event.
 */
@Entity
@Table(name = "orders")
public class Order {

	@Id
	private UUID id;

	@Column(name = "customer_email", nullable = false)
	private String customerEmail;

	@Column(nullable = false)
	private String item;

	@Column(nullable = false, precision = 12, scale = 2)
	private BigDecimal amount;

	@Column(name = "webhook_url", length = 2048)
	private @Nullable String webhookUrl;

	/**
	 * The project of the API key that placed it; only that project and environment see
	 * it. {@code null} on orders saved before, which no key sees.
	 */
	@Column(name = "project_id", length = 63)
	private @Nullable String projectId;

	@Column(name = "environment_id", length = 63)
	private @Nullable String environmentId;

	@Column(name = "created_at", nullable = false)
	private Instant createdAt;

	/**
	 * The id of its {@link OrderCreated} message; {@code null} on orders saved before.
	 */
	@Column(name = "event_id")
	private @Nullable UUID eventId;

	protected Order() {
	}

	public Order(UUID id, String projectId, String environmentId, String customerEmail, String item, BigDecimal amount,
			@Nullable String webhookUrl, Instant createdAt) {
		this.id = id;
		this.projectId = projectId;
		this.environmentId = environmentId;
		this.customerEmail = customerEmail;
		this.item = item;
		this.amount = amount;
		this.webhookUrl = webhookUrl;
		this.createdAt = createdAt;
	}

	public UUID getId() {
		return this.id;
	}

	public @Nullable String getProjectId() {
		return this.projectId;
	}

	public @Nullable String getEnvironmentId() {
		return this.environmentId;
	}

	public String getCustomerEmail() {
		return this.customerEmail;
	}

	public String getItem() {
		return this.item;
	}

	public BigDecimal getAmount() {
		return this.amount;
	}

	public @Nullable String getWebhookUrl() {
		return this.webhookUrl;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

	public @Nullable UUID getEventId() {
		return this.eventId;
	}

	public void setEventId(UUID eventId) {
		this.eventId = eventId;
	}

}
