package dev.larder.server;

import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;

/** One HTTP endpoint taking a JSON body; it runs on the server's blocking executor and may throw {@link ApiException}. */
@FunctionalInterface
interface JsonEndpoint {
    JsonReply handle(byte[] body);

    record JsonReply(HttpStatus status, MediaType type, byte[] body) {
        static JsonReply json(HttpStatus status, byte[] body) {
            return new JsonReply(status, MediaType.JSON_UTF_8, body);
        }
    }
}
