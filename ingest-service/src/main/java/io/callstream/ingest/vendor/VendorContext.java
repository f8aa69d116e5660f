package io.callstream.ingest.vendor;

import java.time.ZoneId;

/**
 * Per-vendor settings an adapter needs.
 *
 * @param zone the zone the vendor's local time strings are in (Asia/Shanghai by default)
 * @param defaultTenant the tenant of pushes that name none
 */
public record VendorContext(ZoneId zone, String defaultTenant) {

    public static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");
}
