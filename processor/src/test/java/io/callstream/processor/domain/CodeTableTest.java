package io.callstream.processor.domain;

import static io.callstream.schema.FailureCategory.BINDING_ERROR;
import static io.callstream.schema.FailureCategory.BUSY;
import static io.callstream.schema.FailureCategory.CANCELLED;
import static io.callstream.schema.FailureCategory.NONE;
import static io.callstream.schema.FailureCategory.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callstream.schema.FailureCategory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CodeTableTest {

    static final CodeTable TABLE = CodeTable.bundled();

    @ParameterizedTest(name = "winnerlook state {0}, answered {1}: {2}")
    @CsvSource({
        "0, true, NONE",
        "1, false, INVALID_NUMBER",
        "2, false, BUSY",
        "3, false, REJECTED",
        "4, false, NO_ANSWER",
        "5, false, UNREACHABLE",
        "6, false, BLOCKED",
        "7, false, UNREACHABLE",
        "8, false, SUSPENDED",
        "9, false, UNKNOWN",
        "10, true, NONE",
        "10, false, CANCELLED",
        "11, true, NONE",
        "11, false, REJECTED",
        "12, false, CANCELLED",
        "13, false, BINDING_ERROR",
        "14, false, BINDING_ERROR"
    })
    void shouldMapEveryWinnerlookState(String code, boolean answered, FailureCategory expected) {
        assertThat(TABLE.categorize("winnerlook", "calleeState", code, null, answered))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "ucpaas reason {0}: {1}")
    @CsvSource({
        "0, CANCELLED",
        "1, ACCOUNT_ERROR",
        "2, NETWORK_ERROR",
        "3, UNREACHABLE",
        "4, REJECTED",
        "5, NO_ANSWER",
        "6, NO_ANSWER",
        "7, PLATFORM_ERROR",
        "8, CANCELLED",
        "9, ACCOUNT_ERROR",
        "255, UNKNOWN"
    })
    void shouldMapEveryUcpaasReason(String code, FailureCategory expected) {
        assertThat(TABLE.categorize("ucpaas", "reason", code, null, false)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "ytx \"{0}\", answered {1}: {2}")
    @CsvSource({
        "应答|正常, true, NONE",
        "未接听|无应答, false, NO_ANSWER",
        "未接听|用户忙, false, BUSY",
        "未接听|空号, false, INVALID_NUMBER",
        "未接听|关机, false, UNREACHABLE",
        "未接听|停机, false, SUSPENDED",
        "未接听|主叫挂机, false, CANCELLED",
        "未知|未知, false, UNKNOWN",
        "未接听|网络忙, false, NETWORK_ERROR",
        "未接听|网络故障, false, NETWORK_ERROR",
        "未接听|线路拥塞, false, NETWORK_ERROR",
        "未接听|系统忙, false, PLATFORM_ERROR",
        "未接听|余额不足, false, ACCOUNT_ERROR",
        "未接听|正在通话中, false, BUSY",
        "未接听|振铃超时, false, NO_ANSWER",
        "未接听|不在服务区, false, UNREACHABLE",
        "未接听|无法接通, false, UNREACHABLE",
        "未接听|拒接, false, REJECTED",
        "未接听|取消, false, CANCELLED",
        "未接听|无人接听, false, NO_ANSWER",
        "未接听|其他原因, false, UNKNOWN",
        "未接听, false, UNKNOWN"
    })
    void shouldMapYtxStateTextsByKeyword(String text, boolean answered, FailureCategory expected) {
        assertThat(TABLE.categorize("ytx", "stateDesc", null, text, answered)).isEqualTo(expected);
    }

    @Test
    void shouldKeepAnAnsweredUcpaasLegThatEndedNormallyNone() {
        assertThat(TABLE.categorize("ucpaas", "reason", "0", null, true)).isEqualTo(FailureCategory.NONE);
    }

    /** yunhuni sends SIP codes in error and CTI texts in reason (VENDORS.md 7, 8.3): every row. */
    @ParameterizedTest(name = "yunhuni {0} \"{1}\" / \"{2}\": {3}")
    @CsvSource({
        "error, 403, , REJECTED",
        "error, 404, , INVALID_NUMBER",
        "error, 408, , NETWORK_ERROR",
        "error, 410, , INVALID_NUMBER",
        "error, 480, , UNREACHABLE",
        "error, 484, , INVALID_NUMBER",
        "error, 486, , BUSY",
        "error, 487, , CANCELLED",
        "error, 500, , NETWORK_ERROR",
        "error, 502, , NETWORK_ERROR",
        "error, 503, , NETWORK_ERROR",
        "error, 504, , NETWORK_ERROR",
        "error, 600, , BUSY",
        "error, 603, , REJECTED",
        "error, 604, , INVALID_NUMBER",
        "error, , 网络故障, NETWORK_ERROR",
        "error, , 线路拥塞, NETWORK_ERROR",
        "error, , 停机, SUSPENDED",
        "error, , 正在通话中, BUSY",
        "error, , 用户忙, BUSY",
        "error, , user busy, BUSY",
        "error, , 用户拒接, REJECTED",
        "error, , 空号, INVALID_NUMBER",
        "error, , 关机, UNREACHABLE",
        "error, , 不在服务区, UNREACHABLE",
        "error, , 无法接通, UNREACHABLE",
        "error, , 无人接听, NO_ANSWER",
        "error, , 呼叫超时, NO_ANSWER",
        "error, , no answer, NO_ANSWER",
        "error, , 未接通, UNKNOWN",
        "error, , something new, UNKNOWN",
        "hangup_by, 1, , CANCELLED",
        "hangup_by, 2, , REJECTED",
        "hangup_by, 0, , UNKNOWN"
    })
    void shouldMapEveryYunhuniCodeTextAndHangUpSide(String field, String code, String text, FailureCategory expected) {
        assertThat(TABLE.categorize("yunhuni", field, code, text, false)).isEqualTo(expected);
        assertThat(TABLE.categorize("yunhuni", field, code, text, true)).isEqualTo(FailureCategory.NONE);
    }

    @Test
    void shouldPreferAnExactCodeToAKeywordAndFallBackByAnswer() {
        assertThat(TABLE.categorize("yunhuni", "error", "486", "no answer", false))
                .isEqualTo(BUSY);
        assertThat(TABLE.categorize("yunhuni", "error", "999", "用户忙", false)).isEqualTo(BUSY);
        assertThat(TABLE.categorize("yunhuni", "error", null, null, false)).isEqualTo(UNKNOWN);
        assertThat(TABLE.categorize("yunhuni", "error", "487", null, false)).isEqualTo(CANCELLED);
        assertThat(TABLE.categorize("acme", "x", "1", null, true)).isEqualTo(NONE);
        // the generic "not answered" hides nothing: an unlisted reason stays UNKNOWN, not user-side NO_ANSWER
        assertThat(TABLE.categorize("ytx", "stateDesc", null, "未接", false)).isEqualTo(UNKNOWN);
    }

    @Test
    void shouldReadWinnerlooksCallerAndCalleeStatesFromOneList() {
        // the fields the ingest service names as the codes' source (WinnerlookAdapter)
        assertThat(TABLE.categorize("winnerlook", "callerState", "2", null, false))
                .isEqualTo(BUSY);
        assertThat(TABLE.categorize("winnerlook", "calleeState", "2", null, false))
                .isEqualTo(BUSY);
        assertThat(TABLE.categorize("winnerlook", "callerState", "10", null, false))
                .isEqualTo(CANCELLED);
        assertThat(TABLE.categorize("winnerlook", "state", "2", null, false)).isEqualTo(UNKNOWN);
    }

    @Test
    void shouldLetAnOperatorsTableOverrideTheShippedOne() {
        CodeTable corrected = new CodeTable(CodeTable.parse("winnerlook", "state,13,UNKNOWN,BUSY,corrected"));

        assertThat(corrected.categorize("winnerlook", "state", "13", null, false))
                .isEqualTo(BUSY);
        assertThat(TABLE.categorize("winnerlook", "calleeState", "13", null, false))
                .isEqualTo(BINDING_ERROR);
    }

    @Test
    void shouldNameTheLineOfAMalformedTable() {
        assertThatThrownBy(() -> CodeTable.parse("winnerlook", "# header\nstate,1,BUSY"))
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> CodeTable.parse("winnerlook", "state,1,BUSY,NOT_A_CATEGORY"))
                .hasMessageContaining("unknown category 'NOT_A_CATEGORY'");
    }
}
