package dev.larder;

/**
 * A user-facing error: the message is one line (or one line per problem) saying what is wrong,
 * where (file, key, value) and what is allowed. The CLI prints it without a stack trace.
 */
public class LarderException extends RuntimeException {
    public LarderException(String message) {
        super(message);
    }

    public LarderException(String message, Throwable cause) {
        super(message, cause);
    }
}
