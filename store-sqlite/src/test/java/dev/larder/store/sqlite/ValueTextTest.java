package dev.larder.store.sqlite;

import dev.larder.spi.Value;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** value_text as Feast 0.66 fills it; floats checked against Python's own str() (python-str-floats.tsv). */
class ValueTextTest {
    @Test
    void floatsAndDoublesReadExactlyAsPythonsStr() throws IOException {
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        try (InputStream in = getClass().getResourceAsStream("/python-str-floats.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] f = line.split("\t");
                Value v = f[0].equals("double")
                        ? Value.ofDouble(Double.longBitsToDouble(Long.parseUnsignedLong(f[1], 16)))
                        : Value.ofFloat(Float.intBitsToFloat(Integer.parseUnsignedInt(f[1], 16)));
                String got = ValueText.of(v);
                if (!got.equals(f[2])) mismatches.add(line + " -> " + got);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(7_000);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void theExamplesOfTheIssue() {
        assertThat(ValueText.of(Value.ofDouble(0.125))).isEqualTo("0.125");
        assertThat(ValueText.of(Value.ofDouble(1e-5))).isEqualTo("1e-05");
        assertThat(ValueText.of(Value.ofDouble(1e16))).isEqualTo("1e+16");
        assertThat(ValueText.of(Value.ofDouble(Double.POSITIVE_INFINITY))).isEqualTo("inf");
        assertThat(ValueText.of(Value.ofDouble(Double.NaN))).isEqualTo("nan");
        assertThat(ValueText.of(Value.ofFloat(0.1f))).as("widened to double first").isEqualTo("0.10000000149011612");
        assertThat(ValueText.of(Value.ofDouble(5e-324))).isEqualTo("5e-324");
    }

    @Test
    void integersBooleansStringsAndEverythingElse() {
        assertThat(ValueText.of(Value.ofInt32(Integer.MIN_VALUE))).isEqualTo("-2147483648");
        assertThat(ValueText.of(Value.ofInt64(4821))).isEqualTo("4821");
        assertThat(ValueText.of(Value.ofBool(true))).isEqualTo("True");
        assertThat(ValueText.of(Value.ofBool(false))).isEqualTo("False");
        assertThat(ValueText.of(Value.ofString("Zürich"))).isEqualTo("Zürich");
        assertThat(ValueText.of(Value.NULL)).isNull();
        assertThat(ValueText.of(Value.ofBytes(new byte[] {1}))).isNull();
        assertThat(ValueText.of(Value.ofUnixTimestamp(1_700_000_000L))).as("not among Feast's types for value_text").isNull();
        assertThat(ValueText.of(Value.ofInt64List(1, 2))).isNull();
    }
}
