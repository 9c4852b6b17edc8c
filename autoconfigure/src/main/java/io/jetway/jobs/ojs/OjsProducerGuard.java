package io.jetway.jobs.ojs;

/**
 * Declares that the application protects the OJS producer endpoints (every path under
 * {@code jetway.jobs.ojs.base-path} but the manifest and
 * {@code {base-path}/v1/workers/**}) itself, without Spring Security: a bean of this
 * type, typically the application's own servlet filter, lets OJS start without Spring
 * Security on the class path. A bean rather than a property, so that a configuration
 * copied without its filter does not claim a protection it lacks.
 */
public interface OjsProducerGuard {

}
