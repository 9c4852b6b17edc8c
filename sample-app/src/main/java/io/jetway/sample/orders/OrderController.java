package io.jetway.sample.orders;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.jetway.consumer.DeadLetter;
import io.jetway.consumer.DeadLetters;
import io.jetway.jobs.JobClient;
import io.jetway.sample.api.ApiException;
import io.jetway.sample.api.ApiKeyFilter;
import io.jetway.sample.api.Tenant;
import io.jetway.sample.api.WebhookUrls;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The orders flow: {@code POST /orders} places an order, {@code GET /orders/{id}} shows
 * it with its invoice, the invoice e-mail job and, for an order that could not be
 * invoiced, its dead letter (found by its event's message id, one read). Behind the API
 * key filter like the rest of the API; every order belongs to the key's project and
 * environment, and no other key sees it or its dead letter.
 */
@RestController
@RequestMapping("/orders")
class OrderController {

	/** What the orders table's columns hold. */
	static final int MAX_ITEM_LENGTH = 200;

	static final int MAX_EMAIL_LENGTH = 254;

	static final int MAX_URL_LENGTH = 2048;

	/** The amount column holds 12 digits, 2 of them decimals. */
	static final BigDecimal MAX_AMOUNT = new BigDecimal("9999999999.99");

	/** The smallest amount the column holds above zero. */
	static final BigDecimal MIN_AMOUNT = new BigDecimal("0.01");

	private final OrderService orderService;

	private final OrderRepository orders;

	private final InvoiceRepository invoices;

	private final JobClient jobs;

	private final DeadLetters deadLetters;

	private final WebhookUrls webhookUrls;

	private final JsonMapper jsonMapper;

	OrderController(OrderService orderService, OrderRepository orders, InvoiceRepository invoices, JobClient jobs,
			DeadLetters deadLetters, WebhookUrls webhookUrls, JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
		this.orderService = orderService;
		this.orders = orders;
		this.invoices = invoices;
		this.jobs = jobs;
		this.deadLetters = deadLetters;
		this.webhookUrls = webhookUrls;
	}

	@PostMapping
	ResponseEntity<Map<String, Object>> place(@RequestAttribute(ApiKeyFilter.TENANT) Tenant tenant,
			@RequestBody(required = false) @Nullable JsonNode body) {
		if (body == null || !body.isObject()) {
			throw ApiException.badRequest("body", "The request body must be a JSON object");
		}
		String email = text(body, "customer_email", MAX_EMAIL_LENGTH);
		if (!email.contains("@")) {
			throw ApiException.badRequest("customer_email", "'customer_email' must be an e-mail address");
		}
		String item = text(body, "item", MAX_ITEM_LENGTH);
		JsonNode amount = body.get("amount");
		if (amount == null || !amount.isNumber() || amount.decimalValue().signum() <= 0) {
			throw ApiException.badRequest("amount", "'amount' must be a positive number");
		}
		if (amount.decimalValue().compareTo(MIN_AMOUNT) < 0 || amount.decimalValue().stripTrailingZeros().scale() > 2) {
			throw ApiException.badRequest("amount", "'amount' must be at least " + MIN_AMOUNT.toPlainString()
					+ " with at most 2 decimals, was " + amount.decimalValue().toPlainString());
		}
		if (amount.decimalValue().compareTo(MAX_AMOUNT) > 0) {
			throw ApiException.badRequest("amount", "'amount' must be at most " + MAX_AMOUNT.toPlainString() + ", was "
					+ amount.decimalValue().toPlainString());
		}
		String webhookUrl = body.hasNonNull("webhook_url") ? text(body, "webhook_url", MAX_URL_LENGTH) : null;
		if (webhookUrl != null) {
			// the e-mail job is enqueued later, by the listener: refuse the URL now
			this.webhookUrls.check("webhook_url", webhookUrl);
		}
		BigDecimal total = amount.decimalValue().setScale(2, RoundingMode.UNNECESSARY);
		Order order = this.orderService.place(tenant, email, item, total, webhookUrl);
		return ResponseEntity.created(URI.create("/orders/" + order.getId())).body(describe(order));
	}

	@GetMapping("/{id}")
	Map<String, Object> show(@RequestAttribute(ApiKeyFilter.TENANT) Tenant tenant, @PathVariable UUID id) {
		// another project's order is not found, as if it did not exist
		Order order = this.orders.findByIdAndProjectIdAndEnvironmentId(id, tenant.projectId(), tenant.environmentId())
			.orElseThrow(() -> ApiException.notFound("Order " + id + " not found"));
		Map<String, Object> shown = new LinkedHashMap<>();
		shown.put("order", describe(order));
		Invoice invoice = this.invoices.findByOrderId(id).orElse(null);
		shown.put("invoice", (invoice != null) ? describe(invoice) : null);
		shown.put("email_job", (invoice != null) ? this.jobs.status(invoice.getEmailJobId()).map((job) -> {
			Map<String, Object> described = new LinkedHashMap<>();
			described.put("id", job.id());
			described.put("status", job.status().columnValue());
			described.put("attempts", job.attempts());
			described.put("result", (job.result() != null) ? this.jsonMapper.readTree(job.result()) : null);
			described.put("error", job.error());
			described.put("webhook_url", job.webhookUrl());
			return described;
		}).orElse(null) : null);
		shown.put("dead_letter", deadLetter(order).map(OrderController::describe).orElse(null));
		return shown;
	}

	/**
	 * @return the dead letters of the project environment's latest 100 orders (one read
	 * each, by the order's event id), newest order first; never another project's, never
	 * a message body
	 */
	@GetMapping("/dead-letters")
	List<Map<String, Object>> deadLetters(@RequestAttribute(ApiKeyFilter.TENANT) Tenant tenant) {
		List<Map<String, Object>> found = new ArrayList<>();
		for (Order order : this.orders.findTop100ByProjectIdAndEnvironmentIdAndEventIdNotNullOrderByCreatedAtDesc(
				tenant.projectId(), tenant.environmentId())) {
			deadLetter(order).ifPresent((letter) -> {
				Map<String, Object> described = new LinkedHashMap<>();
				described.put("order_id", order.getId());
				described.putAll(describe(letter));
				found.add(described);
			});
		}
		return found;
	}

	private Optional<DeadLetter> deadLetter(Order order) {
		UUID eventId = order.getEventId();
		return (eventId != null)
				? this.deadLetters.find(InvoiceGenerator.STREAM, InvoiceGenerator.CONSUMER, eventId.toString())
				: Optional.empty();
	}

	private static Map<String, Object> describe(Order order) {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("id", order.getId());
		described.put("customer_email", order.getCustomerEmail());
		described.put("item", order.getItem());
		described.put("amount", order.getAmount());
		described.put("webhook_url", order.getWebhookUrl());
		described.put("created_at", order.getCreatedAt());
		return described;
	}

	private static Map<String, Object> describe(Invoice invoice) {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("id", invoice.getId());
		described.put("amount", invoice.getAmount());
		described.put("email_job_id", invoice.getEmailJobId());
		described.put("created_at", invoice.getCreatedAt());
		return described;
	}

	private static Map<String, Object> describe(DeadLetter letter) {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("sequence", letter.sequence());
		described.put("subject", letter.originalSubject());
		described.put("consumer", letter.consumer());
		described.put("deliveries", letter.deliveries());
		described.put("error", letter.error());
		described.put("failed_at", letter.failedAt());
		return described;
	}

	private static String text(JsonNode body, String field, int maxLength) {
		JsonNode value = body.get(field);
		if (value == null || !value.isString() || value.stringValue().isBlank()) {
			throw ApiException.badRequest(field, "'" + field + "' is required and must be a non-empty string");
		}
		if (value.stringValue().length() > maxLength) {
			throw ApiException.badRequest(field, "'" + field + "' is " + value.stringValue().length()
					+ " characters long; the limit is " + maxLength);
		}
		return value.stringValue();
	}

}
