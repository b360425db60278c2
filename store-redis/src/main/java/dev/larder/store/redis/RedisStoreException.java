package dev.larder.store.redis;

/** A Redis operation that failed; the message names the server(s), the project and what was attempted, never the password. */
public class RedisStoreException extends IllegalStateException {
    public RedisStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
