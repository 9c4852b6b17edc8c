package io.jetway.dashboard;

import org.jspecify.annotations.Nullable;

/**
 * Who looks at the dashboard and what they may do.
 *
 * @param name the principal's name, or {@code null} when unauthenticated
 * @param canRead whether they may see the pages
 * @param canOperate whether they may act
 * @param csrfParameter the form field of the CSRF token, or {@code null} without Spring
 * Security
 * @param csrfToken the CSRF token for forms, or {@code null} without Spring Security
 */
record Viewer(@Nullable String name, boolean canRead, boolean canOperate, @Nullable String csrfParameter,
		@Nullable String csrfToken) {

}
