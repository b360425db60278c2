package dev.larder.feast.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.larder.feast.proto.core.Registry;
import dev.larder.feast.proto.serving.FieldStatus;
import dev.larder.feast.proto.serving.ServingServiceGrpc;
import dev.larder.feast.proto.types.Value;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The project's .proto files against bytes written by Feast's own generated classes. */
class FeastProtosTest {

    @Test
    void everyFieldOfFeastsDriverRegistryIsDeclaredAndReserializesByteForByte() throws IOException {
        byte[] golden = resource("feast-registry/driver_registry.db");
        Registry registry = Registry.parseFrom(golden);

        List<String> unknown = new ArrayList<>();
        collectUnknownFields(registry, "Registry", unknown);
        assertThat(unknown).as("fields the project's protos do not declare").isEmpty();
        assertThat(registry.toByteArray()).isEqualTo(golden);

        assertThat(registry.getEntitiesList()).extracting(e -> e.getSpec().getName()).containsExactly("driver", "__dummy");
        assertThat(registry.getFeatureViews(0).getSpec().getTtl().getSeconds()).isEqualTo(86400);
        assertThat(registry.getFeatureServices(0).getSpec().getFeatures(0).getFeatureColumnsList())
                .extracting(f -> f.getName()).containsExactly("conv_rate", "acc_rate");
        assertThat(registry.getDataSources(0).getMeta().getCreatedTimestamp().getSeconds()).isEqualTo(1736935200L);
        assertThat(registry.getFeatureViewVersionHistory().getRecords(0).getFeatureViewProto())
                .isEqualTo(registry.getFeatureViews(0).toByteString());
    }

    @Test
    void valuesEncodedByFeastParseIntoTheNamedOneofMemberAndReserializeIdentically() throws IOException {
        JsonNode vectors = new ObjectMapper().readTree(resource("feast-vectors.json"));
        int checked = 0;
        for (JsonNode vector : vectors.get("values")) {
            byte[] bytes = HexFormat.of().parseHex(vector.get("proto_hex").asText());
            Value value = Value.parseFrom(bytes);
            String kind = vector.get("kind").asText();
            FieldDescriptor set = value.getOneofFieldDescriptor(Value.getDescriptor().getOneofs().get(0));
            if (kind.equals("unset")) {
                assertThat(set).as(kind).isNull();
            } else {
                assertThat(set).as(kind).isNotNull();
                assertThat(set.getName()).as(kind).isEqualTo(kind);
            }
            assertThat(value.getUnknownFields().asMap()).as(kind).isEmpty();
            assertThat(value.toByteArray()).as(kind).isEqualTo(bytes);
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
    }

    @Test
    void servingServiceKeepsFeastsServiceAndMethodNames() {
        assertThat(ServingServiceGrpc.SERVICE_NAME).isEqualTo("feast.serving.ServingService");
        assertThat(ServingServiceGrpc.getGetOnlineFeaturesMethod().getFullMethodName())
                .isEqualTo("feast.serving.ServingService/GetOnlineFeatures");
        assertThat(FieldStatus.OUTSIDE_MAX_AGE.getNumber()).isEqualTo(4);
    }

    private static void collectUnknownFields(Message message, String path, List<String> out) {
        if (!message.getUnknownFields().asMap().isEmpty()) {
            out.add(path + " " + message.getUnknownFields().asMap().keySet());
        }
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            if (field.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            String child = path + "." + field.getKey().getName();
            if (field.getKey().isRepeated()) {
                int i = 0;
                for (Object element : (List<?>) field.getValue()) {
                    collectUnknownFields((Message) element, child + "[" + i++ + "]", out);
                }
            } else {
                collectUnknownFields((Message) field.getValue(), child, out);
            }
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = FeastProtosTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
