package io.callstream.platform.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.platform.simulate.TrafficSimulator.Expected;
import io.callstream.schema.Call;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallKpi;
import io.callstream.schema.CallOutcome;
import io.callstream.schema.Topics;
import io.callstream.schema.WebhookEnvelope;
import io.callstream.testkit.TopicReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the cluster's topics and stores hold, read to their end and checked as totals end to end
 * (in the spirit of Kafka's {@code StreamsEosTest} verifier): every receipt once on {@code
 * webhooks-raw} with all its events, exactly one record per call version on {@code calls} read
 * committed, KPI windows equal to the totals of the final calls, and the stores equal to Kafka.
 */
final class ClusterLedger {

    private final LocalCluster cluster;

    ClusterLedger(LocalCluster cluster) {
        this.cluster = cluster;
    }

    /** Every record of {@code topic} up to its end now (read committed: up to the last stable offset). */
    List<ConsumerRecord<String, Object>> read(String topic, boolean committedOnly) {
        return TopicReader.readToEnd(
                cluster.bootstrapServers(), cluster.registryUrl(), topic, committedOnly, Duration.ofMinutes(2));
    }

    /**
     * Every push the ingest service acknowledged has exactly one envelope on {@code webhooks-raw}
     * and all its events on {@code call-events}, each once.
     */
    void assertEveryReceiptStoredOnce(Set<String> receipts) {
        Map<String, Long> envelopes = read(Topics.WEBHOOKS_RAW, false).stream()
                .map(record -> ((WebhookEnvelope) record.value()).getEnvelopeId())
                .filter(receipts::contains)
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
        Map<String, List<CallEvent>> events = read(Topics.CALL_EVENTS, false).stream()
                .map(record -> (CallEvent) record.value())
                .filter(event -> receipts.contains(event.getEnvelopeId()))
                .collect(Collectors.groupingBy(CallEvent::getEnvelopeId));
        assertThat(receipts).isNotEmpty().allSatisfy(receipt -> {
            assertThat(envelopes.get(receipt))
                    .as("envelopes of receipt %s", receipt)
                    .isEqualTo(1L);
            List<CallEvent> ofPush = events.getOrDefault(receipt, List.of());
            assertThat(ofPush).as("events of receipt %s", receipt).isNotEmpty();
            assertThat(ofPush.stream().map(CallEvent::getEventId).distinct())
                    .as("events of receipt %s", receipt)
                    .hasSize(ofPush.size())
                    .hasSize(ofPush.getFirst().getPushEventCount());
        });
    }

    /** The call versions on {@code calls}, read committed, by vendor and call id, in order. */
    Map<String, List<Call>> callVersions() {
        Map<String, List<Call>> versions = new TreeMap<>();
        read(Topics.CALLS, true).forEach(record -> {
            Call call = (Call) record.value();
            versions.computeIfAbsent(call.getVendor() + ":" + call.getCallId(), key -> new ArrayList<>())
                    .add(call);
        });
        return versions;
    }

    /**
     * Exactly one record per call version of the run (versions 1..n, each once), and its final calls
     * equal to what the simulator sent: as many calls, these billed and talk seconds.
     */
    static void assertExactlyOncePerVersion(Map<String, List<Call>> versions, Expected expected) {
        Map<String, List<Call>> run = versions.entrySet().stream()
                .filter(entry -> entry.getValue().getFirst().getCallId().startsWith(expected.callIdPrefix()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        List<String> notOnce = new ArrayList<>();
        run.forEach((key, calls) -> {
            List<Integer> numbers =
                    calls.stream().map(Call::getVersion).sorted().toList();
            List<Integer> once = java.util.stream.IntStream.rangeClosed(1, numbers.size())
                    .boxed()
                    .toList();
            if (!numbers.equals(once)) {
                notOnce.add(key + " " + numbers);
            }
        });
        System.out.printf(
                "[cluster] %,d call records of the run, %,d calls, %,d not once%n",
                run.values().stream().mapToLong(List::size).sum(), run.size(), notOnce.size());
        assertThat(notOnce).as("calls whose versions are not 1..n, each once").isEmpty();
        List<Call> finals = finals(run);
        assertThat(finals).as("calls of the run").hasSize((int) expected.calls());
        assertThat(finals.stream().mapToLong(Call::getBilledSeconds).sum())
                .as("billed seconds")
                .isEqualTo(expected.billedSeconds());
        assertThat(finals.stream().mapToLong(Call::getTalkSeconds).sum())
                .as("talk seconds")
                .isEqualTo(expected.talkSeconds());
    }

    static List<Call> finals(Map<String, List<Call>> versions) {
        return versions.values().stream()
                .map(calls -> calls.stream()
                        .max(java.util.Comparator.comparingInt(Call::getVersion))
                        .orElseThrow())
                .toList();
    }

    /** The KPI windows' totals: the last record of each window on {@code call-kpis}, read committed, summed. */
    Totals kpiTotals() {
        Map<String, CallKpi> latest = new HashMap<>();
        read(Topics.CALL_KPIS, true).forEach(record -> latest.put(record.key(), (CallKpi) record.value()));
        return new Totals(
                latest.values().stream().mapToLong(CallKpi::getAttempts).sum(),
                latest.values().stream().mapToLong(CallKpi::getAnswered).sum(),
                latest.values().stream().mapToLong(CallKpi::getTalkSeconds).sum(),
                latest.values().stream().mapToLong(CallKpi::getBilledSeconds).sum(),
                null);
    }

    /** The same totals computed from the final calls. */
    static Totals totalsOf(List<Call> finals) {
        return new Totals(
                finals.size(),
                finals.stream()
                        .filter(call -> call.getOutcome() == CallOutcome.CONNECTED)
                        .count(),
                finals.stream().mapToLong(Call::getTalkSeconds).sum(),
                finals.stream().mapToLong(Call::getBilledSeconds).sum(),
                finals.stream()
                        .map(Call::getAmount)
                        .filter(java.util.Objects::nonNull)
                        .reduce(BigDecimal.ZERO, BigDecimal::add));
    }

    /** Calls, answered calls, talk and billed seconds, and amounts (null where not summed). */
    record Totals(long calls, long answered, long talkSeconds, long billedSeconds, BigDecimal amount) {

        Totals {
            amount = amount == null ? null : amount.stripTrailingZeros(); // 1.50 and 1.5 are the same money
        }

        Totals withoutAmount() {
            return new Totals(calls, answered, talkSeconds, billedSeconds, null);
        }
    }

    /** The totals of PostgreSQL's {@code calls} table, and that it has each call at its latest version. */
    Totals postgresTotals(Map<String, List<Call>> versions) throws SQLException {
        Map<String, Integer> latest = new HashMap<>();
        finals(versions).forEach(call -> latest.put(call.getVendor() + ":" + call.getCallId(), call.getVersion()));
        try (Connection connection = java.sql.DriverManager.getConnection(
                        cluster.postgres().jdbcUrl(),
                        cluster.postgres().readerUser(),
                        cluster.postgres().readerPassword());
                Statement sql = connection.createStatement()) {
            List<String> stale = new ArrayList<>();
            try (ResultSet rows = sql.executeQuery("SELECT vendor, call_id, version FROM calls")) {
                while (rows.next()) {
                    String key = rows.getString(1) + ":" + rows.getString(2);
                    if (!Integer.valueOf(rows.getInt(3)).equals(latest.get(key))) {
                        stale.add(key + " v" + rows.getInt(3) + " (Kafka: v" + latest.get(key) + ")");
                    }
                }
            }
            assertThat(stale)
                    .as("PostgreSQL rows not at the call's latest version")
                    .isEmpty();
            try (ResultSet rows = sql.executeQuery("SELECT count(*), count(*) FILTER (WHERE outcome = 'CONNECTED'),"
                    + " coalesce(sum(talk_seconds), 0), coalesce(sum(billed_seconds), 0), coalesce(sum(amount), 0)"
                    + " FROM calls")) {
                rows.next();
                return new Totals(
                        rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getBigDecimal(5));
            }
        }
    }

    /** The totals of ClickHouse's {@code calls} table (latest versions: FINAL). */
    Totals clickHouseTotals() throws Exception {
        String[] row = cluster.clickHouse()
                .query("SELECT count(), countIf(outcome = 'CONNECTED'), sum(talk_seconds), sum(billed_seconds),"
                        + " toString(sum(amount)) FROM callstream.calls FINAL")
                .trim()
                .split("\t");
        return new Totals(
                Long.parseLong(row[0]),
                Long.parseLong(row[1]),
                Long.parseLong(row[2]),
                Long.parseLong(row[3]),
                row[4].equals("\\N") ? BigDecimal.ZERO : new BigDecimal(row[4]));
    }
}
