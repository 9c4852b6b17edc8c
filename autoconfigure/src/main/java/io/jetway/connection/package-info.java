/**
 * The NATS connection: properties, connection details, options and lifecycle.
 */
@NullMarked
package io.jetway.connection;

import org.jspecify.annotations.NullMarked;
