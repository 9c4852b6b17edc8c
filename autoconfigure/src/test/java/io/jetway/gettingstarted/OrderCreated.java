package io.jetway.gettingstarted;

// tag::events[]
import java.math.BigDecimal;
import java.util.UUID;

public record OrderCreated(UUID orderId, String customerEmail, BigDecimal total) {
}
// end::events[]
