package io.jetway.sample.orders;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The invoice of an order, created by {@link InvoiceGenerator}.
 */
@Entity
@Table(name = "invoices")
public class Invoice {

	@Id
	private UUID id;

	@Column(name = "order_id", nullable = false, unique = true)
	private UUID orderId;

	@Column(nullable = false, precision = 12, scale = 2)
	private BigDecimal amount;

	@Column(name = "email_job_id", nullable = false)
	private UUID emailJobId;

	@Column(name = "created_at", nullable = false)
	private Instant createdAt;

	protected Invoice() {
	}

	public Invoice(UUID id, UUID orderId, BigDecimal amount, UUID emailJobId, Instant createdAt) {
		this.id = id;
		this.orderId = orderId;
		this.amount = amount;
		this.emailJobId = emailJobId;
		this.createdAt = createdAt;
	}

	public UUID getId() {
		return this.id;
	}

	public UUID getOrderId() {
		return this.orderId;
	}

	public BigDecimal getAmount() {
		return this.amount;
	}

	public UUID getEmailJobId() {
		return this.emailJobId;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

}
