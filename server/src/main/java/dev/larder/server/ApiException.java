package dev.larder.server;

import com.linecorp.armeria.common.HttpStatus;

/**
 * A request the server answers with an error: the HTTP status and the body
 * {@code {"error": <what went wrong, short>, "detail": <which field, which value, what is allowed>}}.
 * The gRPC service maps the same status to a gRPC status code.
 */
public final class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final String error;

    public ApiException(HttpStatus status, String error, String detail) {
        super(detail, null, false, false); // a client's mistake: no stack trace to fill or print
        this.status = status;
        this.error = error;
    }

    public static ApiException badRequest(String error, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, error, detail);
    }

    public static ApiException notFound(String error, String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, error, detail);
    }

    public static ApiException unprocessable(String error, String detail) {
        return new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, error, detail);
    }

    public static ApiException tooLarge(String error, String detail) {
        return new ApiException(HttpStatus.REQUEST_ENTITY_TOO_LARGE, error, detail);
    }

    public HttpStatus status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String detail() {
        return getMessage();
    }
}
