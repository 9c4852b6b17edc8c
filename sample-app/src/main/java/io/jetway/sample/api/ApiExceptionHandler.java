package io.jetway.sample.api;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Turns refused requests into {@link ApiError} answers.
 */
@RestControllerAdvice(basePackages = "io.jetway.sample")
class ApiExceptionHandler {

	private static final Log logger = LogFactory.getLog(ApiExceptionHandler.class);

	@ExceptionHandler
	ResponseEntity<ApiError> refused(ApiException ex) {
		ResponseEntity.BodyBuilder answer = ResponseEntity.status(ex.getStatus());
		if (ex instanceof RateLimitedException limited) {
			answer.header("Retry-After", Long.toString(limited.getRetryAfterSeconds()));
		}
		return answer.body(new ApiError(ex.getMessage(), ex.getField()));
	}

	@ExceptionHandler
	ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException ex) {
		return ResponseEntity.badRequest()
			.body(new ApiError("The request body is not valid JSON: " + rootMessage(ex), "body"));
	}

	@ExceptionHandler
	ResponseEntity<ApiError> notJson(HttpMediaTypeNotSupportedException ex) {
		return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
			.body(new ApiError("Send the body as JSON with 'Content-Type: application/json'", "body"));
	}

	@ExceptionHandler
	ResponseEntity<ApiError> badParameter(MethodArgumentTypeMismatchException ex) {
		String value = Requests.shown(String.valueOf(ex.getValue()));
		Class<?> type = ex.getRequiredType();
		return ResponseEntity.badRequest()
			.body(new ApiError("'" + value + "' is not a valid " + ex.getName()
					+ ((type != null) ? " (" + type.getSimpleName() + ")" : ""), ex.getName()));
	}

	@ExceptionHandler
	ResponseEntity<ApiError> databaseUnavailable(DataAccessResourceFailureException ex) {
		logger.error("The database is not available", ex);
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.body(new ApiError("The database is not available; retry later", null));
	}

	private static String rootMessage(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		String message = (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
		int newline = message.indexOf('\n');
		return (newline > 0) ? message.substring(0, newline) : message;
	}

}
