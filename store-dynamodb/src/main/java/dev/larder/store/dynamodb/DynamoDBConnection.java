package dev.larder.store.dynamodb;

import dev.larder.spi.OnlineStoreException;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;

import java.util.concurrent.TimeUnit;

/**
 * The asynchronous AWS SDK client of one store with what it owns beside it: its Netty event loops
 * and its credentials provider. They are opened together and closed together; when a step of
 * opening fails (the SDK refuses its environment, say {@code AWS_DEFAULTS_MODE=bogus}), what the
 * earlier steps opened is released before the failure is thrown.
 */
final class DynamoDBConnection implements AutoCloseable {
    private final DynamoDbAsyncClient client;
    private final SdkEventLoopGroup eventLoops;
    private final DefaultCredentialsProvider credentials; // ours: the client does not close a provider it was given

    private DynamoDBConnection(DynamoDbAsyncClient client, SdkEventLoopGroup eventLoops, DefaultCredentialsProvider credentials) {
        this.client = client;
        this.eventLoops = eventLoops;
        this.credentials = credentials;
    }

    static DynamoDBConnection open(DynamoDBStoreConfig config) {
        DefaultCredentialsProvider credentials = null;
        SdkEventLoopGroup eventLoops = null;
        try {
            // The SDK's default chain either way; session_based_auth: true also refreshes temporary
            // (session) credentials in the background before they expire, so no request waits on a refresh.
            credentials = DefaultCredentialsProvider.builder().asyncCredentialUpdateEnabled(config.sessionBasedAuth()).build();
            // The store's own event loops: closing the SDK's shared group waits out a 2 s quiet period.
            eventLoops = SdkEventLoopGroup.builder().build();
            return new DynamoDBConnection(client(config, eventLoops, credentials), eventLoops, credentials);
        } catch (RuntimeException | Error e) {
            release(eventLoops, credentials, e);
            if (e instanceof Error) throw (Error) e;
            throw new OnlineStoreException(DynamoDBErrors.STORE_TYPE, OnlineStoreException.Operation.CONNECT, config.target(), false,
                    "cannot create the AWS SDK client for " + config.target() + ": " + e.getMessage(), e);
        }
    }

    private static DynamoDbAsyncClient client(DynamoDBStoreConfig config, SdkEventLoopGroup eventLoops, DefaultCredentialsProvider credentials) {
        NettyNioAsyncHttpClient.Builder http = NettyNioAsyncHttpClient.builder()
                .eventLoopGroup(eventLoops)
                .maxConcurrency(config.maxPoolConnections())
                .connectionTimeout(config.connectTimeout())
                .readTimeout(config.readTimeout())
                .writeTimeout(config.readTimeout());
        DynamoDbAsyncClientBuilder builder = DynamoDbAsyncClient.builder()
                .region(Region.of(config.region()))
                .httpClientBuilder(http)
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(config.totalMaxRetryAttempts()).build()));
        if (config.endpointUrl() != null) {
            builder.endpointOverride(config.endpointUrl());
        }
        return builder.build();
    }

    DynamoDbAsyncClient client() {
        return client;
    }

    /** Closes the client (failing what is in flight), then its event loops, without waiting, then the credentials. */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            release(eventLoops, credentials, null);
        }
    }

    /** Releases both, whatever fails; a problem is added to {@code failure} when there is one, else thrown. */
    private static void release(SdkEventLoopGroup eventLoops, DefaultCredentialsProvider credentials, Throwable failure) {
        RuntimeException problem = null;
        if (eventLoops != null) {
            try {
                eventLoops.eventLoopGroup().shutdownGracefully(0, 5, TimeUnit.SECONDS);
            } catch (RuntimeException e) {
                problem = e;
            }
        }
        if (credentials != null) {
            try {
                credentials.close();
            } catch (RuntimeException e) {
                if (problem == null) problem = e;
                else problem.addSuppressed(e);
            }
        }
        if (problem == null) return;
        if (failure == null) throw problem;
        failure.addSuppressed(problem);
    }
}
