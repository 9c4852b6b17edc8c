package io.jetway.sample.api;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath;

/**
 * Which requests belong to the events, jobs and orders API. Decided on the request's path
 * rather than by servlet URL patterns: Tomcat passes an encoded slash through
 * ({@code /events%2Fv1/publish}), which no pattern such as {@code /events/*} matches, so
 * the API's filters are mapped to every path and ask here. The path is compared with
 * {@code %2F} decoded, repeated slashes merged and case ignored, so no spelling of an API
 * path escapes the filters; and with the DispatcherServlet's path
 * ({@code spring.mvc.servlet.path}) in front, as requests spell it.
 */
final class ApiPaths {

	private final List<String> prefixes;

	/**
	 * @param dispatcherServletPath where Spring MVC serves the API
	 */
	ApiPaths(DispatcherServletPath dispatcherServletPath) {
		this.prefixes = Stream.of("/events", "/jobs", "/orders")
			.map((prefix) -> normalize(dispatcherServletPath.getRelativePath(prefix)))
			.toList();
	}

	boolean isApi(HttpServletRequest request) {
		String normalized = normalizedPath(request);
		for (String prefix : this.prefixes) {
			if (normalized.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * @return the request's path as {@link #normalize(String)} gives it
	 */
	static String normalizedPath(HttpServletRequest request) {
		return normalize(request.getServletPath() + ((request.getPathInfo() != null) ? request.getPathInfo() : ""));
	}

	/**
	 * @return the path lower-case, with {@code %2F}, {@code %5C} and backslashes as
	 * {@code /} and repeated slashes merged
	 */
	static String normalize(String path) {
		String normalized = path.toLowerCase(Locale.ROOT).replace("%2f", "/").replace("%5c", "/").replace('\\', '/');
		while (normalized.contains("//")) {
			normalized = normalized.replace("//", "/");
		}
		return normalized;
	}

}
