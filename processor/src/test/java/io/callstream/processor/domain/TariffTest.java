package io.callstream.processor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callstream.schema.BillingMode;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TariffTest {

    @ParameterizedTest(name = "default tariff: {0} s talk -> {1} s billed")
    @CsvSource({"0, 0", "1, 60", "59, 60", "60, 60", "61, 120", "120, 120", "121, 180", "2626, 2640"})
    void shouldBillTalkRoundedUpToWholeMinutesByDefault(int talk, int billed) {
        assertThat(Tariff.DEFAULT.billedSeconds(talk)).isEqualTo(billed);
        assertThat(Tariff.DEFAULT.amount(talk)).isNull();
    }

    @ParameterizedTest(name = "{0}/{1}, {2} free, min {4}, fee {5}: {3} s -> {6} s, {7}")
    @CsvSource({
        // first, next, free, talk, minimum, connect fee, billed seconds, amount (price 0.010000 per increment)
        "6, 6, 0, 0, 0, 0, 0, 0.000000",
        "6, 6, 0, 1, 0, 0, 6, 0.010000",
        "6, 6, 0, 7, 0, 0, 12, 0.020000",
        "1, 1, 0, 61, 0, 0, 61, 0.610000",
        "30, 6, 0, 31, 0, 0, 36, 0.020000",
        "30, 6, 0, 30, 0, 0, 30, 0.010000",
        "60, 60, 10, 10, 0, 0, 0, 0.000000",
        "60, 60, 10, 11, 0, 0, 60, 0.010000",
        "60, 60, 10, 70, 0, 0, 60, 0.010000",
        "60, 60, 10, 71, 0, 0, 120, 0.020000",
        "6, 6, 0, 6, 0.05, 0, 6, 0.050000",
        "6, 6, 0, 60, 0.05, 0, 60, 0.100000",
        "60, 60, 0, 61, 0, 0.15, 120, 0.170000"
    })
    void shouldApplyIncrementsFreeSecondsMinimumsAndConnectFees(
            int first,
            int next,
            int free,
            int talk,
            BigDecimal minimum,
            BigDecimal fee,
            int billed,
            BigDecimal amount) {
        Tariff tariff = new Tariff(
                "t",
                "acme",
                null,
                null,
                first,
                next,
                free,
                fee,
                new BigDecimal("0.01"),
                minimum,
                "CNY",
                BillingMode.BRIDGED);

        assertThat(tariff.billedSeconds(talk)).isEqualTo(billed);
        assertThat(tariff.amount(talk)).isEqualTo(amount);
    }

    @Test
    void shouldPickTheMostSpecificApplicableTariff() {
        TariffTable table = new TariffTable(TariffTable.parse("""
                id,tenant,vendor,prefix,first,next,free,connectFee,price,minimum,currency,mode
                # comments and blank lines are skipped

                any-acme,acme,*,,60,60,0,0,0.10,0,CNY,BRIDGED
                acme-ytx,acme,ytx,,6,6,0,0,0.01,0,CNY,BRIDGED
                acme-ytx-mobile,acme,ytx,13,6,6,0,0,0.02,0,CNY,PER_ANSWERED_LEG
                acme-ytx-beijing,acme,ytx,010,1,1,0,0,0.001,0,CNY,BRIDGED
                """));

        assertThat(table.find("acme", "ytx", "13512345678").id()).isEqualTo("acme-ytx-mobile");
        assertThat(table.find("acme", "ytx", "01053189990").id()).isEqualTo("acme-ytx-beijing");
        assertThat(table.find("acme", "ytx", "02112345678").id()).isEqualTo("acme-ytx");
        assertThat(table.find("acme", "ucpaas", "13512345678").id()).isEqualTo("any-acme");
        assertThat(table.find("other", "ytx", "13512345678")).isSameAs(Tariff.DEFAULT);
        assertThat(table.find("acme", "ytx", "13512345678").mode()).isEqualTo(BillingMode.PER_ANSWERED_LEG);
    }

    @Test
    void shouldRejectMalformedTariffsNamingTheLine() {
        assertThatThrownBy(() -> TariffTable.parse("t,acme,ytx,,0,6,0,0,0.01,0,CNY,BRIDGED"))
                .hasMessageContaining("tariff line 1")
                .hasMessageContaining("increments must be positive");
        assertThatThrownBy(() -> TariffTable.parse("t,acme,ytx,,6,6,0,0,0.01,0,,BRIDGED"))
                .hasMessageContaining("needs a currency");
        assertThatThrownBy(() -> TariffTable.parse("t,acme")).hasMessageContaining("expected 12 or 13 cells");
    }

    @org.junit.jupiter.api.Test
    void shouldReadAnOptionalTalkCapColumn() {
        List<Tariff> tariffs = TariffTable.parse("""
                id,tenant,vendor,prefix,first,next,free,connectFee,price,minimum,currency,mode,maxTalk
                capped,acme,ytx,,60,60,0,0,,0,,BRIDGED,3600
                open,acme,,,60,60,0,0,,0,,BRIDGED,
                old,acme,ucpaas,,60,60,0,0,,0,,BRIDGED
                """);

        assertThat(tariffs).extracting(Tariff::maxTalkSeconds).containsExactly(3600, null, null);
        assertThat(Tariff.of(tariffs.getFirst().toRule())).isEqualTo(tariffs.getFirst());
    }
}
