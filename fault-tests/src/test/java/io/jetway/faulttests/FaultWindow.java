package io.jetway.faulttests;

import java.time.Instant;

/**
 * When a fault began and when it was repaired (the process or server was back, the
 * partition healed; for an instance never restarted, when it was killed).
 *
 * @param name what happened
 * @param start when the fault began
 * @param end when it was repaired
 */
record FaultWindow(String name, Instant start, Instant end) {

}
