package dev.larder.spi.codec;

import com.google.common.hash.Hashing;
import dev.larder.spi.Value;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueCodecTest {

    @Test
    void unsupportedOneofMemberIsAnErrorNamingTheField() {
        // field 20 (map_val), wire type 2, empty message
        assertThatThrownBy(() -> ValueCodec.decode(new byte[] {(byte) 0xa2, 0x01, 0x00}))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("field 20")
                .hasMessageContaining("map");
    }

    @Test
    void unknownFieldNumberIsAnErrorNamingIt() {
        // field 99, varint 1
        assertThatThrownBy(() -> ValueCodec.decode(new byte[] {(byte) 0x98, 0x06, 0x01}))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("field number 99");
    }

    @Test
    void unknownFieldInsideAListIsAnError() {
        // int64_list_val (14) containing field 2
        assertThatThrownBy(() -> ValueCodec.decode(new byte[] {0x72, 0x02, 0x10, 0x01}))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("field number 2");
    }

    @Test
    void truncatedInputIsAnError() {
        assertThatThrownBy(() -> ValueCodec.decode(new byte[] {0x12, 0x05, 0x68}))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("Malformed");
    }

    @Test
    void wrongWireTypeIsAnError() {
        // string_val (2) as varint
        assertThatThrownBy(() -> ValueCodec.decode(new byte[] {0x10, 0x01}))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("wire type");
    }

    @Test
    void unpackedNumericListsDecodeToo() {
        // int64_list_val { val: 1, val: 2 } written unpacked: 72 04 08 01 08 02
        assertThat(ValueCodec.decode(new byte[] {0x72, 0x04, 0x08, 0x01, 0x08, 0x02}))
                .isEqualTo(Value.ofInt64List(1, 2));
    }

    @Test
    void largeValuesRoundTrip() {
        double[] d = new double[10_000];
        for (int i = 0; i < d.length; i++) d[i] = i * 0.5;
        Value v = Value.ofDoubleList(d);
        assertThat(ValueCodec.decode(ValueCodec.encode(v))).isEqualTo(v);
        String s = "x".repeat(300_000);
        assertThat(ValueCodec.decode(ValueCodec.encode(Value.ofString(s))).asString()).isEqualTo(s);
    }

    @Test
    void murmur3MatchesGuavaOnRandomInputsOfEveryLength() {
        Random random = new Random(42);
        for (int len = 0; len < 100; len++) {
            byte[] data = new byte[len];
            random.nextBytes(data);
            assertThat(Murmur3.hash32(data, 0)).isEqualTo(Hashing.murmur3_32_fixed(0).hashBytes(data).asInt());
            byte[] guava128 = Hashing.murmur3_128(0).hashBytes(data).asBytes();
            assertThat(EntityKeyCodec.entityId(data)).isEqualTo(EntityKeyCodec.hex(guava128));
        }
    }

    @Test
    void pythonTimestampTextForms() {
        Instant whole = Instant.parse("2024-01-01T00:00:00Z");
        Instant frac = Instant.parse("2026-03-04T05:06:07.250000Z");
        assertThat(Timestamps.pythonStr(whole)).isEqualTo("2024-01-01 00:00:00+00:00");
        assertThat(Timestamps.pythonStr(frac)).isEqualTo("2026-03-04 05:06:07.250000+00:00");
        assertThat(Timestamps.pythonIso(whole)).isEqualTo("2024-01-01T00:00:00+00:00");
        assertThat(Timestamps.sqliteText(frac)).isEqualTo("2026-03-04 05:06:07.250000");
        assertThat(Timestamps.sqliteText(whole)).isEqualTo("2024-01-01 00:00:00");
        for (String s : new String[] {"2024-01-01 00:00:00+00:00", "2026-03-04 05:06:07.250000", "2024-01-01T00:00:00+00:00"}) {
            assertThat(Timestamps.pythonStr(Timestamps.parsePython(s)).substring(0, 19)).isEqualTo(s.replace('T', ' ').substring(0, 19));
        }
        assertThat(Timestamps.fromMicros(Timestamps.toMicros(frac))).isEqualTo(frac);
    }
}
