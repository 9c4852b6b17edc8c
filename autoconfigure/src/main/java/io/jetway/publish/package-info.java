/**
 * Publishing to JetStream: the publisher, message encoding and CloudEvents headers.
 */
@NullMarked
package io.jetway.publish;

import org.jspecify.annotations.NullMarked;
