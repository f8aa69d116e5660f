package io.callstream.processor.domain;

/**
 * The Wilson score interval of a proportion ({@code failures} of {@code attempts}): where the true
 * failure rate lies with the given confidence. A rise in the failure rate counts only when the
 * interval's lower bound is above the threshold, so that 7 failures in 20 calls (35 %, lower bound
 * 20 %) do not page and 41 in 100 (41 %, lower bound 33 %) do; small samples need a clearer
 * majority of failures than large ones.
 */
public final class WilsonInterval {

    /** One-sided 95 %: the lower bound is exceeded by the true rate 95 times in 100. */
    public static final double Z_95_ONE_SIDED = 1.6448536269514722;

    private WilsonInterval() {}

    /** The lower bound of the failure rate; 0 without attempts. */
    public static double lowerBound(long failures, long attempts, double z) {
        if (attempts <= 0) {
            return 0;
        }
        double n = attempts;
        double p = failures / n;
        double z2 = z * z;
        double centre = p + z2 / (2 * n);
        double spread = z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return Math.max(0, (centre - spread) / (1 + z2 / n));
    }
}
