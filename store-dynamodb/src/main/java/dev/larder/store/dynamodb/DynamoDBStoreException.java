package dev.larder.store.dynamodb;

/** A DynamoDB request failed; the message names the endpoint, the table, the view and what was being done. */
public class DynamoDBStoreException extends RuntimeException {
    public DynamoDBStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public DynamoDBStoreException(String message) {
        super(message);
    }
}
