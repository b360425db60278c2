package dev.larder.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.linecorp.armeria.common.HttpStatus;
import dev.larder.FeatureStore;
import dev.larder.FieldStatus;
import dev.larder.OnlineResponse;
import dev.larder.feast.proto.serving.FeatureList;
import dev.larder.feast.proto.serving.GetFeastServingInfoRequest;
import dev.larder.feast.proto.serving.GetFeastServingInfoResponse;
import dev.larder.feast.proto.serving.GetOnlineFeaturesRequest;
import dev.larder.feast.proto.serving.GetOnlineFeaturesResponse;
import dev.larder.feast.proto.serving.GetOnlineFeaturesResponseMetadata;
import dev.larder.feast.proto.serving.ServingServiceGrpc;
import dev.larder.feast.proto.types.RepeatedValue;
import dev.larder.spi.Field;
import dev.larder.spi.Value;
import dev.larder.spi.codec.CodecException;
import dev.larder.spi.codec.ValueCodec;
import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Feast's {@code feast.serving.ServingService} over gRPC: the same checks, reads and answers as
 * {@code POST /get-online-features}, with values as {@code feast.types.Value} messages encoded by
 * Larder's Feast codec. A withheld or null value is an empty {@code Value}, a missing event time
 * the zero {@code Timestamp}, as Feast's servers send them. Errors carry the HTTP side's
 * {@code error: detail} text with the matching gRPC code.
 */
final class GrpcServingService extends ServingServiceGrpc.ServingServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcServingService.class);
    /** Feast's version this server speaks for, with Larder's as build metadata. */
    static final String VERSION = "0.66.0+larder.0.1.0";

    private final FeatureStore store;
    private final OnlineRequests requests;
    private final String storeType;
    private final Duration requestTimeout;

    GrpcServingService(FeatureStore store, OnlineRequests requests, String storeType, Duration requestTimeout) {
        this.store = store;
        this.requests = requests;
        this.storeType = storeType;
        this.requestTimeout = requestTimeout;
    }

    @Override
    public void getFeastServingInfo(GetFeastServingInfoRequest request, StreamObserver<GetFeastServingInfoResponse> out) {
        out.onNext(GetFeastServingInfoResponse.newBuilder().setVersion(VERSION).build());
        out.onCompleted();
    }

    /**
     * Starts the read on Armeria's blocking executor and answers from the thread that completes it
     * (the store's client or the facade's read pool): no thread waits for the store. Armeria
     * leaves a gRPC call without a deadline when the client sends none, so the server's request
     * timeout (or the client's shorter deadline) is enforced here and answered DEADLINE_EXCEEDED,
     * as the HTTP side answers 504.
     */
    @Override
    public void getOnlineFeatures(GetOnlineFeaturesRequest request, StreamObserver<GetOnlineFeaturesResponse> out) {
        ServiceRequestContext ctx = ServiceRequestContext.current();
        long clientMillis = ctx.requestTimeoutMillis();
        long budget = clientMillis == 0 ? requestTimeout.toMillis() : Math.min(clientMillis, requestTimeout.toMillis());
        // Armeria's own timer only as a backstop: it would cancel the call instead of naming the deadline.
        ctx.setRequestTimeout(TimeoutMode.SET_FROM_START, Duration.ofMillis(budget).plusSeconds(5));
        CompletableFuture<GetOnlineFeaturesResponse> answer;
        try {
            answer = answer(request).thenApply(GrpcServingService::toProto);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.orTimeout(budget, TimeUnit.MILLISECONDS).whenComplete((response, e) -> {
            if (e == null) {
                out.onNext(response);
                out.onCompleted();
            } else if (Failures.unwrap(e) instanceof TimeoutException) {
                out.onError(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded: No answer within the request deadline of " + budget
                        + " ms (the server's --request-timeout, or the client's deadline)").asRuntimeException());
            } else {
                out.onError(status(e));
            }
        });
    }

    /** Parses the request (throwing {@link ApiException} for a bad one) and starts its read. */
    CompletableFuture<OnlineResponse> answer(GetOnlineFeaturesRequest request) {
        if (request.getRequestContextCount() > 0) {
            throw ApiException.unprocessable("not supported", "request_context " + request.getRequestContextMap().keySet()
                    + ": Larder serves no on-demand feature views, so it takes no request context");
        }
        List<String> features = request.getKindCase() == GetOnlineFeaturesRequest.KindCase.FEATURES ? request.getFeatures().getValList() : null;
        String service = request.getKindCase() == GetOnlineFeaturesRequest.KindCase.FEATURE_SERVICE ? request.getFeatureService() : null;
        OnlineRequests.Features f = requests.features(features, service, "features", "feature_service");
        Map<String, Integer> lengths = new LinkedHashMap<>();
        request.getEntitiesMap().forEach((k, v) -> lengths.put(k, v.getValCount()));
        int rows = requests.rowCount(f, lengths, "entities");
        Map<String, List<Value>> columns = new LinkedHashMap<>();
        for (Map.Entry<String, RepeatedValue> c : request.getEntitiesMap().entrySet()) {
            Field joinKey = f.columns().get(c.getKey());
            List<Value> converted = new ArrayList<>(rows);
            for (int r = 0; r < rows; r++) {
                String where = "entities." + c.getKey() + "[" + r + "]";
                Value v = fromProto(c.getValue().getVal(r), where);
                if (v.isNull() || v.type() != joinKey.type()) {
                    throw ApiException.badRequest("invalid join key value", where + ": a " + (v.isNull() ? "null" : v.type()) + " value"
                            + " is not a valid " + joinKey.type() + " for join key '" + joinKey.name() + "'");
                }
                converted.add(v);
            }
            columns.put(c.getKey(), converted);
        }
        return requests.call(f, columns, rows, request.getFullFeatureNames()).runAsync(store);
    }

    static GetOnlineFeaturesResponse toProto(OnlineResponse r) {
        GetOnlineFeaturesResponse.Builder b = GetOnlineFeaturesResponse.newBuilder()
                .setMetadata(GetOnlineFeaturesResponseMetadata.newBuilder().setFeatureNames(FeatureList.newBuilder().addAllVal(r.featureNames())));
        Timestamp zero = Timestamp.getDefaultInstance();
        for (OnlineResponse.Column c : r.columns()) {
            GetOnlineFeaturesResponse.FeatureVector.Builder v = GetOnlineFeaturesResponse.FeatureVector.newBuilder();
            for (int i = 0; i < r.rowCount(); i++) {
                v.addValues(toProto(c.values().get(i)));
                v.addStatuses(status(c.statuses().get(i)));
                Instant t = c.eventTimes().get(i);
                v.addEventTimestamps(t == null ? zero : Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build());
            }
            b.addResults(v);
        }
        return b.build();
    }

    private static dev.larder.feast.proto.types.Value toProto(Value v) {
        if (v == null || v.isNull()) return dev.larder.feast.proto.types.Value.getDefaultInstance();
        try {
            return dev.larder.feast.proto.types.Value.parseFrom(ValueCodec.encode(v));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("Larder's Feast codec wrote a Value protobuf cannot read", e);
        }
    }

    private static Value fromProto(dev.larder.feast.proto.types.Value v, String where) {
        try {
            return ValueCodec.decode(v.toByteArray());
        } catch (CodecException e) {
            throw ApiException.badRequest("invalid join key value", where + ": " + e.getMessage());
        }
    }

    private static dev.larder.feast.proto.serving.FieldStatus status(FieldStatus s) {
        return switch (s) {
            case PRESENT -> dev.larder.feast.proto.serving.FieldStatus.PRESENT;
            case NULL_VALUE -> dev.larder.feast.proto.serving.FieldStatus.NULL_VALUE;
            case NOT_FOUND -> dev.larder.feast.proto.serving.FieldStatus.NOT_FOUND;
            case OUTSIDE_MAX_AGE -> dev.larder.feast.proto.serving.FieldStatus.OUTSIDE_MAX_AGE;
        };
    }

    /** The gRPC status of a failure: the same classification and text as the HTTP side. */
    StatusRuntimeException status(Throwable failure) {
        ApiException e = Failures.classify(failure, storeType, "answer GetOnlineFeatures");
        if (e.status().code() >= 500) LOG.warn("GetOnlineFeatures: {}", e.detail(), Failures.unwrap(failure));
        return code(e.status()).withDescription(e.error() + ": " + e.detail()).asRuntimeException();
    }

    static Status code(HttpStatus s) {
        return switch (s.code()) {
            case 400 -> Status.INVALID_ARGUMENT;
            case 404 -> Status.NOT_FOUND;
            case 409 -> Status.ABORTED;
            case 413 -> Status.RESOURCE_EXHAUSTED;
            case 422 -> Status.FAILED_PRECONDITION;
            case 503 -> Status.UNAVAILABLE;
            case 504 -> Status.DEADLINE_EXCEEDED;
            default -> Status.INTERNAL;
        };
    }
}
