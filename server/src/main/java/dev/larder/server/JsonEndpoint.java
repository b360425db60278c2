package dev.larder.server;

import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** One HTTP endpoint taking a JSON body; it runs on the server's blocking executor and may throw {@link ApiException}. */
@FunctionalInterface
interface JsonEndpoint {
    JsonReply handle(byte[] body);

    record JsonReply(HttpStatus status, MediaType type, byte[] body) {
        static JsonReply json(HttpStatus status, byte[] body) {
            return new JsonReply(status, MediaType.JSON_UTF_8, body);
        }
    }

    /**
     * An endpoint that never blocks: it is called on the request's event loop, parses there, and
     * returns a future that a store's asynchronous client (or the facade's read pool) completes.
     * The reply is built on {@code replyExecutor} (the event loop that writes it), never on the
     * thread that completed the read. It may throw {@link ApiException} for a bad request.
     */
    @FunctionalInterface
    interface NonBlocking {
        CompletableFuture<JsonReply> handle(byte[] body, Executor replyExecutor);
    }
}
