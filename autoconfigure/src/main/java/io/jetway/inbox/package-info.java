/**
 * The inbox: deduplicated, transactional message handling.
 */
@NullMarked
package io.jetway.inbox;

import org.jspecify.annotations.NullMarked;
