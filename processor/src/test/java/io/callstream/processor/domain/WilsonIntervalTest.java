package io.callstream.processor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Lower bounds worked out by hand from the formula (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
 * with z = 1.6449 (checked with a few lines of Python, not with this code), and whether each sample
 * pages under the default policy: at least 20 calls and the bound at 30 % or more.
 */
class WilsonIntervalTest {

    @ParameterizedTest(name = "{0} of {1} failed: lower bound {2}, pages: {3}")
    @CsvSource({
        // small samples that must not page although their rate is above 30 %
        "7, 20, 0.2023, false",
        "3, 5, 0.2725, false",
        "8, 20, 0.2424, false",
        // a bound above the threshold, but too few calls: the policy's minimum holds it back
        "2, 2, 0.4250, false",
        // real spikes that must
        "12, 20, 0.4186, true",
        "41, 100, 0.3325, true",
        "400, 1000, 0.3748, true",
        // at the threshold on a large sample: the bound is below it, no page yet
        "300, 1000, 0.2767, false",
        "0, 50, 0.0, false"
    })
    void shouldBoundTheFailureRateFromBelow(long failures, long attempts, double lower, boolean pages) {
        double bound = WilsonInterval.lowerBound(failures, attempts, WilsonInterval.Z_95_ONE_SIDED);
        assertThat(bound).isCloseTo(lower, within(0.0005));
        assertThat(attempts >= AlertPolicy.DEFAULT.minAttempts() && bound >= AlertPolicy.DEFAULT.raiseRate())
                .isEqualTo(pages);
    }

    @Test
    void shouldBeZeroWithoutAttempts() {
        assertThat(WilsonInterval.lowerBound(0, 0, WilsonInterval.Z_95_ONE_SIDED))
                .isZero();
    }
}
