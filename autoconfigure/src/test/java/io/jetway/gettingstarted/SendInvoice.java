package io.jetway.gettingstarted;

// tag::job-payload[]
import java.util.UUID;

public record SendInvoice(UUID orderId, String customerEmail) {
}
// end::job-payload[]
