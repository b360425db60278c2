package dev.larder;

/**
 * The facade was at its bound of concurrent view reads for the whole request deadline: the
 * request was not sent to the store. A server answers 503; a caller may retry later.
 */
public class StoreBusyException extends LarderException {
    public StoreBusyException(String message) {
        super(message);
    }
}
