package io.callstream.platform.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryResultTest {

    final QueryResult result = new QueryResult(
            List.of("vendor", "calls", "amount", "note"),
            List.of(
                    Arrays.asList("ytx", 12L, new BigDecimal("1.500000"), "a, \"quoted\" note"),
                    Arrays.asList("ucpaas", 3L, null, null)));

    @Test
    void shouldAlignATableAndCountItsRows() {
        assertThat(result.table().lines().map(String::stripTrailing))
                .containsExactly(
                        "vendor  calls    amount  note",
                        "------  -----  --------  ----------------",
                        "ytx        12  1.500000  a, \"quoted\" note",
                        "ucpaas      3",
                        "(2 rows)");
    }

    @Test
    void shouldQuoteCsvAsRfc4180() {
        assertThat(result.csv())
                .isEqualTo("vendor,calls,amount,note\r\nytx,12,1.500000,\"a, \"\"quoted\"\" note\"\r\nucpaas,3,,\r\n");
    }

    @Test
    void shouldWriteJsonObjectsAndRoundTripTheWireForm() {
        assertThat(result.json()).contains("\"vendor\" : \"ytx\"", "\"amount\" : 1.500000", "\"note\" : null");
        QueryResult back = QueryResult.fromWire(result.toWire());
        assertThat(back).isEqualTo(result);
    }
}
