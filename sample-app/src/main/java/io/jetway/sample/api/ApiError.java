package io.jetway.sample.api;

import org.jspecify.annotations.Nullable;

/**
 * The body of every error answer.
 *
 * @param error what is wrong
 * @param field the request field at fault, or {@code null}
 */
public record ApiError(String error, @Nullable String field) {

}
