/**
 * The workload application of the fault-tolerance suite: business operations published
 * through the outbox, a listener with the inbox, and a job per operation, each recording
 * its effect in a table without a unique constraint so that duplicates stay visible.
 */
@NullMarked
package io.jetway.faulttests.workload;

import org.jspecify.annotations.NullMarked;
