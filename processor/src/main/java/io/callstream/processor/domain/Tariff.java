package io.callstream.processor.domain;

import io.callstream.schema.BillingMode;
import io.callstream.schema.TariffRule;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a tenant's calls through a vendor are billed: the first increment, then next increments
 * (60/60, 6/6, 1/1, …), free seconds, a connect fee, a price per increment and a minimum charge
 * (exact decimals), and what is charged ({@link BillingMode}).
 *
 * <p>For a leg or call of {@code t} talk seconds: {@code chargeable = t - freeSeconds}; nothing is
 * billed when that is 0 or less. Otherwise the billed seconds are {@code firstIncrement} plus {@code
 * nextIncrement} for every started {@code nextIncrement} beyond it, and the amount is {@code
 * connectFee + increments × pricePerIncrement}, at least {@code minimumCharge}.
 *
 * @param id the tariff's id; null for the default tariff
 * @param tenantId the tenant it applies to; null for any
 * @param vendor the vendor it applies to; null for any
 * @param destinationPrefix applies to B numbers starting with this; null for any
 * @param pricePerIncrement null: seconds are billed, no amount is computed
 * @param maxTalkSeconds the longest talk the customer allows for these calls (the {@code
 *     maxallowtime}, {@code credit}, {@code max_call_duration} or {@code maxCallDuration} it asks
 *     the vendor for, VENDORS.md 9): talk and billing are capped at it; null for no cap
 */
public record Tariff(
        String id,
        String tenantId,
        String vendor,
        String destinationPrefix,
        int firstIncrementSeconds,
        int nextIncrementSeconds,
        int freeSeconds,
        BigDecimal connectFee,
        BigDecimal pricePerIncrement,
        BigDecimal minimumCharge,
        String currency,
        BillingMode mode,
        Integer maxTalkSeconds) {

    /** The scale of amounts, as in the Avro contracts. */
    public static final int MONEY_SCALE = 6;

    /** With no configuration: talk seconds rounded up to whole minutes, bridged time, no amount. */
    public static final Tariff DEFAULT = new Tariff(
            null, null, null, null, 60, 60, 0, BigDecimal.ZERO, null, BigDecimal.ZERO, null, BillingMode.BRIDGED, null);

    /** Without a talk cap. */
    public Tariff(
            String id,
            String tenantId,
            String vendor,
            String destinationPrefix,
            int firstIncrementSeconds,
            int nextIncrementSeconds,
            int freeSeconds,
            BigDecimal connectFee,
            BigDecimal pricePerIncrement,
            BigDecimal minimumCharge,
            String currency,
            BillingMode mode) {
        this(
                id,
                tenantId,
                vendor,
                destinationPrefix,
                firstIncrementSeconds,
                nextIncrementSeconds,
                freeSeconds,
                connectFee,
                pricePerIncrement,
                minimumCharge,
                currency,
                mode,
                null);
    }

    public Tariff {
        if (firstIncrementSeconds <= 0 || nextIncrementSeconds <= 0 || freeSeconds < 0) {
            throw new IllegalArgumentException("tariff " + id + ": increments must be positive and free seconds >= 0");
        }
        Objects.requireNonNull(mode, "mode");
        connectFee = money(connectFee == null ? BigDecimal.ZERO : connectFee);
        minimumCharge = money(minimumCharge == null ? BigDecimal.ZERO : minimumCharge);
        pricePerIncrement = pricePerIncrement == null ? null : money(pricePerIncrement);
        if (maxTalkSeconds != null && maxTalkSeconds <= 0) {
            throw new IllegalArgumentException("tariff " + id + ": the talk cap must be positive");
        }
        if (pricePerIncrement != null && currency == null) {
            throw new IllegalArgumentException("tariff " + id + ": a priced tariff needs a currency");
        }
    }

    /** The tariff as published on the {@code tariffs} topic (keyed by its id). */
    public TariffRule toRule() {
        return TariffRule.newBuilder()
                .setTariffId(id)
                .setTenantId(tenantId)
                .setVendor(vendor)
                .setDestinationPrefix(destinationPrefix)
                .setFirstIncrementSeconds(firstIncrementSeconds)
                .setNextIncrementSeconds(nextIncrementSeconds)
                .setFreeSeconds(freeSeconds)
                .setConnectFee(connectFee)
                .setPricePerIncrement(pricePerIncrement)
                .setMinimumCharge(minimumCharge)
                .setCurrency(currency)
                .setMode(mode)
                .setMaxTalkSeconds(maxTalkSeconds)
                .build();
    }

    /**
     * The tariff a published rule describes.
     *
     * @throws IllegalArgumentException when the rule is not a valid tariff
     */
    public static Tariff of(TariffRule rule) {
        return new Tariff(
                rule.getTariffId(),
                rule.getTenantId(),
                rule.getVendor(),
                rule.getDestinationPrefix(),
                rule.getFirstIncrementSeconds(),
                rule.getNextIncrementSeconds(),
                rule.getFreeSeconds(),
                rule.getConnectFee(),
                rule.getPricePerIncrement(),
                rule.getMinimumCharge(),
                rule.getCurrency(),
                rule.getMode(),
                rule.getMaxTalkSeconds());
    }

    /** The billed seconds of {@code talkSeconds} under this tariff. */
    public int billedSeconds(int talkSeconds) {
        int increments = increments(talkSeconds);
        return increments == 0 ? 0 : firstIncrementSeconds + (increments - 1) * nextIncrementSeconds;
    }

    /** The amount for {@code talkSeconds}, or null when the tariff has no price. */
    public BigDecimal amount(int talkSeconds) {
        if (pricePerIncrement == null) {
            return null;
        }
        int increments = increments(talkSeconds);
        if (increments == 0) {
            return money(BigDecimal.ZERO);
        }
        BigDecimal amount = connectFee.add(pricePerIncrement.multiply(BigDecimal.valueOf(increments)));
        return money(amount.max(minimumCharge));
    }

    /**
     * The arithmetic of billing {@code talkSeconds} under this tariff, a line per step, with the
     * numbers {@link #billedSeconds} and {@link #amount} use: what a customer asking "why this bill"
     * is shown.
     */
    public List<String> arithmetic(int talkSeconds) {
        List<String> lines = new ArrayList<>();
        lines.add((id == null ? "default tariff" : "tariff " + id) + ": first increment " + firstIncrementSeconds
                + " s, then " + nextIncrementSeconds + " s; " + freeSeconds + " s free; connect fee " + connectFee
                + "; per increment " + (pricePerIncrement == null ? "no price (seconds only)" : pricePerIncrement)
                + "; minimum " + minimumCharge + (currency == null ? "" : " " + currency)
                + "; " + (maxTalkSeconds == null ? "no maximum talk" : "maximum talk " + maxTalkSeconds + " s")
                + "; " + mode);
        int chargeable = talkSeconds - freeSeconds;
        lines.add("chargeable = talk " + talkSeconds + " s - free " + freeSeconds + " s = " + chargeable + " s");
        int increments = increments(talkSeconds);
        if (increments == 0) {
            lines.add("nothing chargeable: 0 increments, billed 0 s" + (pricePerIncrement == null ? "" : ", amount 0"));
            return lines;
        }
        lines.add("increments = 1 + ceil(max(0, " + chargeable + " - " + firstIncrementSeconds + ") / "
                + nextIncrementSeconds + ") = " + increments);
        lines.add("billed = " + firstIncrementSeconds + " + (" + increments + " - 1) x " + nextIncrementSeconds + " = "
                + billedSeconds(talkSeconds) + " s");
        if (pricePerIncrement != null) {
            lines.add("amount = max(" + connectFee + " + " + increments + " x " + pricePerIncrement + ", minimum "
                    + minimumCharge + ") = " + amount(talkSeconds) + (currency == null ? "" : " " + currency));
        }
        return lines;
    }

    /** How many increments (first included) {@code talkSeconds} starts. */
    int increments(int talkSeconds) {
        int chargeable = talkSeconds - freeSeconds;
        if (chargeable <= 0) {
            return 0;
        }
        int beyondFirst = Math.max(0, chargeable - firstIncrementSeconds);
        return 1 + (beyondFirst + nextIncrementSeconds - 1) / nextIncrementSeconds;
    }

    /** Whether this tariff applies to a call of this tenant and vendor to this B number. */
    boolean appliesTo(String tenant, String callVendor, String destination) {
        return (tenantId == null || tenantId.equals(tenant))
                && (vendor == null || vendor.equals(callVendor))
                && (destinationPrefix == null || (destination != null && destination.startsWith(destinationPrefix)));
    }

    /** How specific this tariff is: a tenant, a vendor and a longer prefix each make it more so. */
    int specificity() {
        return (tenantId == null ? 0 : 1_000_000)
                + (vendor == null ? 0 : 100_000)
                + (destinationPrefix == null ? 0 : 1 + destinationPrefix.length());
    }

    private static BigDecimal money(BigDecimal value) {
        return value.setScale(MONEY_SCALE, RoundingMode.HALF_EVEN);
    }
}
