/**
 * The transactional outbox: rows written in the caller's transaction, published by the
 * relay after commit.
 */
@NullMarked
package io.jetway.outbox;

import org.jspecify.annotations.NullMarked;
