/**
 * Test support: private nats-server processes.
 */
@NullMarked
package io.jetway.test.nats;

import org.jspecify.annotations.NullMarked;
