package dev.larder;

import dev.larder.spi.Field;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EntityValuesTest {
    private static final Field DRIVER = new Field("driver_id", ValueType.INT64);

    @Test
    void convertsJavaValuesAndText() {
        assertThat(EntityValues.convert(DRIVER, 1001)).isEqualTo(Value.ofInt64(1001));
        assertThat(EntityValues.convert(DRIVER, "1001")).isEqualTo(Value.ofInt64(1001));
        assertThat(EntityValues.convert(new Field("id", ValueType.INT32), 7L)).isEqualTo(Value.ofInt32(7));
        assertThat(EntityValues.convert(new Field("c", ValueType.STRING), "C-1")).isEqualTo(Value.ofString("C-1"));
        assertThat(EntityValues.convert(new Field("t", ValueType.UNIX_TIMESTAMP), "2024-01-01T00:00:00Z"))
                .isEqualTo(Value.ofUnixTimestamp(Instant.parse("2024-01-01T00:00:00Z")));
    }

    @Test
    void aValueThatDoesNotParseNamesTheJoinKeyAndType() {
        assertThatThrownBy(() -> EntityValues.convert(DRIVER, "abc"))
                .isInstanceOf(LarderException.class)
                .hasMessage("Join key 'driver_id' is INT64; the value 'abc' (String) is not a valid INT64");
        assertThatThrownBy(() -> EntityValues.convert(new Field("id", ValueType.INT32), 1L << 40))
                .hasMessageContaining("is not a valid INT32");
        assertThatThrownBy(() -> EntityValues.convert(DRIVER, Value.ofString("1")))
                .hasMessageContaining("(STRING) is not a valid INT64");
    }

    /** Issue 13 item 15: UTF-8 cannot encode a lone surrogate; the key "x\\uD800y" would be stored and read as x?y, another entity. */
    @Test
    void aStringKeyWithALoneSurrogateIsRefused() {
        Field customer = new Field("customer_id", ValueType.STRING);
        assertThatThrownBy(() -> EntityValues.convert(customer, "x\uD800y"))
                .isInstanceOf(LarderException.class)
                .hasMessage("Join key 'customer_id': the string \"x\\uD800y\" holds a lone UTF-16 surrogate (\\uD800 at index 1),"
                        + " which UTF-8 cannot encode (it would be stored as '?'); send well-formed Unicode");
        assertThatThrownBy(() -> EntityValues.convert(customer, Value.ofString("\uDC00"))).hasMessageContaining("(\\uDC00 at index 0)");
        // A surrogate pair is one well-formed character.
        assertThat(EntityValues.convert(customer, "x\uD83D\uDE00y")).isEqualTo(Value.ofString("x\uD83D\uDE00y"));
        assertThat(WellFormedStrings.loneSurrogateAt("ab\uD83D")).isEqualTo(2);
        assertThat(WellFormedStrings.loneSurrogateAt("\uDE00\uD83D")).isZero();
        assertThat(WellFormedStrings.loneSurrogateAt("plain")).isEqualTo(-1);
    }

    @Test
    void featureReferencesNeedAView() {
        assertThat(FeatureRef.parse("driver_hourly_stats:conv_rate")).isEqualTo(new FeatureRef("driver_hourly_stats", "conv_rate"));
        assertThatThrownBy(() -> FeatureRef.parse("conv_rate"))
                .isInstanceOf(LarderException.class)
                .hasMessage("Feature reference 'conv_rate' must have the form view:feature, e.g. driver_hourly_stats:conv_rate");
        assertThatThrownBy(() -> FeatureRef.parse("a:b:c")).isInstanceOf(LarderException.class);
    }
}
