package dev.larder;

/** An online read did not complete within its deadline. A server answers 504. */
public class RequestTimeoutException extends LarderException {
    public RequestTimeoutException(String message) {
        super(message);
    }
}
