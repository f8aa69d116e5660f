package io.callstream.ingest.vendor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bounded, tolerant reads of vendor values: what vendors send is accepted, what cannot be used is refused fast. */
class FieldsTest {

    static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");

    @ParameterizedTest(name = "{0} -> {1} (rounded {2})")
    @CsvSource({
        "'\"0.31\"', 0.310000, false",
        "0.31, 0.310000, false",
        "0.30000000000000004, 0.300000, true",
        "'\"0.0000005\"', 0.000000, true",
        "'\"0.0000015\"', 0.000002, true",
        "'\"1.5e2\"', 150.000000, false",
        "'\"-3\"', -3.000000, false",
        "'\"999999999999.999999\"', 999999999999.999999, false"
    })
    void shouldReadAmountsAtTheContractsScaleRoundingHalfEven(String json, String expected, boolean rounded)
            throws Exception {
        Fields.Money money = fields("{\"a\":" + json + "}").optionalMoney("a").orElseThrow();

        assertThat(money.amount()).isEqualTo(new BigDecimal(expected));
        assertThat(money.rounded()).isEqualTo(rounded);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\"1e13\"", "\"1e-100000000\"", "\"1e100\"", "\"abc\"", "\"1,5\"", "1e400", "\"NaN\""})
    void shouldRefuseAmountsThatAreNotPlainOrTooLarge(String json) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> fields("{\"a\":" + json + "}").optionalMoney("a"))
                .isInstanceOf(InvalidPushException.class)
                .hasMessageStartingWith("field a is");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "2024-05-01 10:00:00, 2024-05-01T02:00:00Z",
        "20240501100000, 2024-05-01T02:00:00Z",
        "2024-05-01T10:00:00, 2024-05-01T02:00:00Z",
        "2024-05-01 10:00:00.5, 2024-05-01T02:00:00.500Z",
        "2024/05/01 10:00:00, 2024-05-01T02:00:00Z",
        "1714528800, 2024-05-01T02:00:00Z",
        "1714528800123, 2024-05-01T02:00:00.123Z"
    })
    void shouldReadDashedCompactAndEpochTimes(String text, String expected) throws Exception {
        assertThat(fields("{\"t\":\"" + text + "\"}").localTime("t", BEIJING)).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"1714528800, 2024-05-01T02:00:00Z", "1714528800123, 2024-05-01T02:00:00.123Z", "0, 1970-01-01T00:00:00Z"
    })
    void shouldTellEpochSecondsFromMilliseconds(String number, String expected) throws Exception {
        assertThat(fields("{\"t\":" + number + "}").epochMillis("t")).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {"9223372036854775807", "-9223372036854775808", "12345678901234567890", "-1", "4102444800000"})
    void shouldRefuseEpochTimesOutOfRange(String number) {
        assertThatThrownBy(() -> fields("{\"t\":" + number + "}").epochMillis("t"))
                .isInstanceOf(InvalidPushException.class)
                .hasMessageStartingWith("field t is");
    }

    private static Fields fields(String json) throws InvalidPushException {
        return Fields.json(Fixtures.request("ytx", json.getBytes(StandardCharsets.UTF_8), "application/json", ""));
    }
}
