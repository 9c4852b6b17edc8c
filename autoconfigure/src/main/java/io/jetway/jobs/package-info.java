/**
 * Background jobs: handlers, the job client, workers, retries, delays and cron.
 */
@NullMarked
package io.jetway.jobs;

import org.jspecify.annotations.NullMarked;
