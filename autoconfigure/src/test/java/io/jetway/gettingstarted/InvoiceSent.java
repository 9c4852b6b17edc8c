package io.jetway.gettingstarted;

// tag::job-result[]
import java.util.UUID;

public record InvoiceSent(UUID mailId, boolean firstRun) {
}
// end::job-result[]
