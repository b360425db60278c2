package dev.larder.store.dynamodb;

import dev.larder.testing.dynamodb.DynamoDBLocalServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import java.net.URI;

/** A plain SDK client on DynamoDB Local, to look at and plant raw items beside the store. */
final class RawDynamoDB {
    private RawDynamoDB() {
    }

    static DynamoDbAsyncClient client(DynamoDBLocalServer server) {
        return DynamoDbAsyncClient.builder()
                .endpointOverride(URI.create(server.endpoint()))
                .region(Region.of(DynamoDBLocalServer.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("larderraw", "larderraw")))
                .build();
    }
}
