package io.callstream.platform.explain;

import io.callstream.processor.ReferenceDataLoader;
import io.callstream.processor.domain.Tariff;
import io.callstream.registry.serde.KafkaAvroDeserializer;
import io.callstream.schema.BillingMode;
import io.callstream.schema.Call;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallLeg;
import io.callstream.schema.TariffRule;
import io.callstream.schema.Topics;
import io.callstream.schema.WebhookEnvelope;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Explains one call's bill from what the platform holds: the raw pushes it came from ({@code
 * webhooks-raw}), the normalized events ({@code call-events}), each version ({@code calls}) with
 * what changed and which pushes brought the change, the tariff and cap applied with the
 * arithmetic, and the vendor's figures beside ours with the reconciliation class.
 *
 * <p>It reads only the partitions that can hold the call: a call's events and versions are keyed by
 * call, so one partition of each; a push is keyed by its envelope id and read from a minute before
 * it was received.
 */
public final class CallExplainer {

    /** How far before a push's receipt its raw record is looked for (producer and broker clocks). */
    static final Duration RAW_SLACK = Duration.ofMinutes(1);

    private final String bootstrapServers;
    private final Map<String, Object> serdeConfig;

    public CallExplainer(String bootstrapServers, String schemaRegistryUrl) {
        this.bootstrapServers = bootstrapServers;
        this.serdeConfig = Map.of("schema.registry.url", schemaRegistryUrl);
    }

    /** What was found of a call. */
    record Found(List<WebhookEnvelope> pushes, List<CallEvent> events, List<Call> versions, Tariff tariff) {}

    /**
     * The explanation of {@code vendor}'s call {@code callId}, as text.
     *
     * @param progress told what is being read (long topics take a while)
     * @param dashboardUrl where the dashboard is served, for the link; null for none
     */
    public String explain(String vendor, String callId, Consumer<String> progress, String dashboardUrl) {
        Found found = find(vendor, callId, progress);
        return render(vendor, callId, found, dashboardUrl);
    }

    Found find(String vendor, String callId, Consumer<String> progress) {
        String key = Topics.callKey(vendor, callId);
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            KafkaAvroDeserializer values = deserializer();
            List<CallEvent> events = new ArrayList<>();
            readKey(consumer, Topics.CALL_EVENTS, key, progress).forEach(record -> {
                if (record.value() != null) {
                    events.add((CallEvent) values.deserialize(Topics.CALL_EVENTS, record.headers(), record.value()));
                }
            });
            List<Call> versions = new ArrayList<>();
            readKey(consumer, Topics.CALLS, key, progress).forEach(record -> {
                if (record.value() != null) {
                    versions.add((Call) values.deserialize(Topics.CALLS, record.headers(), record.value()));
                }
            });
            List<WebhookEnvelope> pushes = pushes(consumer, values, events, progress);
            Tariff tariff = tariff(versions, progress);
            return new Found(pushes, events, versions, tariff);
        }
    }

    private List<ConsumerRecord<String, byte[]>> readKey(
            KafkaConsumer<String, byte[]> consumer, String topic, String key, Consumer<String> progress) {
        TopicPartition partition = partitionOf(consumer, topic, key);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        progress.accept("reading " + partition + " (" + end + " records) for " + key);
        List<ConsumerRecord<String, byte[]>> matching = new ArrayList<>();
        while (consumer.position(partition) < end) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (key.equals(record.key())) {
                    matching.add(record);
                }
            }
        }
        return matching;
    }

    /** The raw pushes the events came from, in the order they were received. */
    private List<WebhookEnvelope> pushes(
            KafkaConsumer<String, byte[]> consumer,
            KafkaAvroDeserializer values,
            List<CallEvent> events,
            Consumer<String> progress) {
        Map<String, Instant> wanted = new LinkedHashMap<>();
        events.stream()
                .filter(event -> event.getEnvelopeId() != null)
                .forEach(event -> wanted.putIfAbsent(
                        event.getEnvelopeId(), event.getReceivedAt() != null ? event.getReceivedAt() : Instant.EPOCH));
        Map<String, WebhookEnvelope> found = new HashMap<>();
        for (Map.Entry<String, Instant> envelope : wanted.entrySet()) {
            TopicPartition partition = partitionOf(consumer, Topics.WEBHOOKS_RAW, envelope.getKey());
            consumer.assign(List.of(partition));
            long from = envelope.getValue().minus(RAW_SLACK).toEpochMilli();
            OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(partition, Math.max(0, from)))
                    .get(partition);
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            if (start == null) {
                continue;
            }
            consumer.seek(partition, start.offset());
            progress.accept(
                    "reading " + partition + " from offset " + start.offset() + " for push " + envelope.getKey());
            long until = envelope.getValue().equals(Instant.EPOCH)
                    ? Long.MAX_VALUE
                    : envelope.getValue().plus(RAW_SLACK).toEpochMilli();
            boolean done = false;
            while (!done && consumer.position(partition) < end) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (envelope.getKey().equals(record.key()) && record.value() != null) {
                        found.put(record.key(), (WebhookEnvelope)
                                values.deserialize(Topics.WEBHOOKS_RAW, record.headers(), record.value()));
                        done = true;
                    } else if (record.timestamp() > until) {
                        done = true;
                    }
                }
            }
        }
        return wanted.keySet().stream()
                .map(found::get)
                .filter(Objects::nonNull)
                .sorted(java.util.Comparator.comparing(WebhookEnvelope::getReceivedAt))
                .toList();
    }

    /** The tariff the latest version names (the reference data in force now), else the default. */
    private Tariff tariff(List<Call> versions, Consumer<String> progress) {
        if (versions.isEmpty() || versions.getLast().getTariffId() == null) {
            return Tariff.DEFAULT;
        }
        progress.accept("reading " + Topics.TARIFFS);
        Object rule = new ReferenceDataLoader(bootstrapServers, serdeConfig)
                .read(Topics.TARIFFS)
                .get(versions.getLast().getTariffId());
        return rule instanceof TariffRule tariffRule ? Tariff.of(tariffRule) : null;
    }

    private TopicPartition partitionOf(KafkaConsumer<String, byte[]> consumer, String topic, String key) {
        int partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).size();
        // the producer's default partitioner for a keyed record
        int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
        return new TopicPartition(topic, partition);
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaAvroDeserializer deserializer() {
        KafkaAvroDeserializer values = new KafkaAvroDeserializer();
        Map<String, Object> config = new HashMap<>(serdeConfig);
        config.put("specific.avro.reader", true);
        values.configure(config, false);
        return values;
    }

    // ---------------------------------------------------------------------------------------- text

    static String render(String vendor, String callId, Found found, String dashboardUrl) {
        StringBuilder out = new StringBuilder();
        if (found.events().isEmpty() && found.versions().isEmpty()) {
            out.append("No call ")
                    .append(vendor)
                    .append('/')
                    .append(callId)
                    .append(" in call-events or calls (vendor and call id as the vendor sends them;"
                            + " events are kept as long as call-events retains them).\n");
            return out.toString();
        }
        Call latest = found.versions().isEmpty() ? null : found.versions().getLast();
        out.append("Call ").append(vendor).append('/').append(callId);
        if (latest != null) {
            out.append(" (tenant ")
                    .append(latest.getTenantId())
                    .append("): ")
                    .append(found.versions().size())
                    .append(found.versions().size() == 1 ? " version" : " versions")
                    .append(", now ")
                    .append(latest.getOutcome())
                    .append(' ')
                    .append(latest.getFailureCategory())
                    .append(", talk ")
                    .append(latest.getTalkSeconds())
                    .append(" s, billed ")
                    .append(latest.getBilledSeconds())
                    .append(" s");
        } else {
            out.append(": no version emitted yet (the call waits for its terminal push or its timeout)");
        }
        out.append("\n");

        Map<String, Integer> pushNumbers = new LinkedHashMap<>();
        out.append("\nRaw pushes (webhooks-raw), in the order received:\n");
        for (WebhookEnvelope push : found.pushes()) {
            int n = pushNumbers.size() + 1;
            pushNumbers.put(push.getEnvelopeId(), n);
            out.append(String.format(
                    "  [%d] %s  POST %s  %s  (push %s)%n      %s%n",
                    n,
                    push.getReceivedAt(),
                    push.getEndpoint(),
                    Objects.toString(push.getContentType(), "no content type"),
                    push.getEnvelopeId(),
                    body(push).replace("\n", "\n      ")));
        }
        if (found.pushes().isEmpty()) {
            out.append("  (none found: the raw archive no longer holds them)\n");
        }

        out.append("\nNormalized events (call-events), in the order they arrived:\n");
        List<String> seen = new ArrayList<>();
        for (CallEvent event : found.events()) {
            boolean duplicate = seen.contains(event.getEventId());
            seen.add(event.getEventId());
            Integer push = pushNumbers.get(event.getEnvelopeId());
            out.append("  ")
                    .append(push == null ? "[?]" : "[" + push + "]")
                    .append(' ')
                    .append(event.getLeg())
                    .append(' ')
                    .append(event.getEventType())
                    .append(duplicate ? " (a retry of an event already in: counted once)" : "")
                    .append(fields(
                            event,
                            List.of(
                                    "eventId",
                                    "vendor",
                                    "tenantId",
                                    "callId",
                                    "leg",
                                    "eventType",
                                    "envelopeId",
                                    "pushEventCount",
                                    "attributes",
                                    "receivedAt")))
                    .append(event.getAttributes().isEmpty() ? "" : " attributes=" + event.getAttributes())
                    .append('\n');
        }

        out.append("\nVersions (calls):\n");
        List<CallEvent> distinct = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        found.events().stream().filter(event -> ids.add(event.getEventId())).forEach(distinct::add);
        Call previous = null;
        for (Call version : found.versions()) {
            int before = previous == null ? 0 : Math.min(previous.getEventCount(), distinct.size());
            List<String> brought =
                    distinct
                            .subList(before, Math.max(before, Math.min(version.getEventCount(), distinct.size())))
                            .stream()
                            .map(event -> "[" + Objects.toString(pushNumbers.get(event.getEnvelopeId()), "?") + "]")
                            .distinct()
                            .toList();
            out.append("  v")
                    .append(version.getVersion())
                    .append(" at ")
                    .append(version.getFinalisedAt())
                    .append(" from ")
                    .append(version.getEventCount())
                    .append(" distinct events: ");
            if (previous == null) {
                out.append(version.getOutcome())
                        .append(' ')
                        .append(version.getFailureCategory())
                        .append(", talk ")
                        .append(version.getTalkSeconds())
                        .append(" s, billed ")
                        .append(version.getBilledSeconds())
                        .append(" s\n");
            } else {
                out.append("changed ")
                        .append(String.join("; ", changes(previous, version)))
                        .append('\n');
                out.append("      brought by push ")
                        .append(brought.isEmpty() ? "(timeout)" : String.join(", ", brought))
                        .append('\n');
                out.append("      why: the newer information wins by the documented rule: a vendor record with"
                        + " times outranks one without, then the record pushed last (a correction) outranks"
                        + " earlier ones; progress events fill in what records leave out\n");
            }
            previous = version;
        }
        if (latest != null) {
            billing(out, latest, found.tariff());
            vendorFigures(out, latest);
        }
        if (dashboardUrl != null) {
            out.append("\nDashboard: ")
                    .append(dashboardUrl.replaceAll("/$", ""))
                    .append("/explain?vendor=")
                    .append(java.net.URLEncoder.encode(vendor, StandardCharsets.UTF_8))
                    .append("&callId=")
                    .append(java.net.URLEncoder.encode(callId, StandardCharsets.UTF_8))
                    .append('\n');
        }
        return out.toString();
    }

    private static void billing(StringBuilder out, Call call, Tariff tariff) {
        out.append("\nBilling (v").append(call.getVersion()).append("):\n");
        CallLeg a = call.getLegA();
        CallLeg b = call.getLegB();
        out.append("  answers: leg A ")
                .append(a == null ? "-" : Objects.toString(a.getAnswerTime(), "never"))
                .append(", leg B ")
                .append(b == null ? "-" : Objects.toString(b.getAnswerTime(), "never"))
                .append("; ends: leg A ")
                .append(a == null ? "-" : Objects.toString(a.getEndTime(), "none"))
                .append(", leg B ")
                .append(b == null ? "-" : Objects.toString(b.getEndTime(), "none"))
                .append('\n');
        if (call.getBridgeTime() == null) {
            out.append("  never bridged (the called party did not answer): talk 0 s\n");
        } else {
            out.append("  talk = from the bridge ")
                    .append(call.getBridgeTime())
                    .append(" (the later answer) to the first hang-up, whole seconds by truncation")
                    .append(
                            call.getMaxDurationSeconds() == null
                                    ? ""
                                    : ", capped at " + call.getMaxDurationSeconds() + " s")
                    .append(" = ")
                    .append(call.getTalkSeconds())
                    .append(" s\n");
        }
        if (tariff == null) {
            out.append("  tariff ")
                    .append(call.getTariffId())
                    .append(" is no longer in the reference data; billed ")
                    .append(call.getBilledSeconds())
                    .append(" s, amount ")
                    .append(Objects.toString(call.getAmount(), "none"))
                    .append('\n');
            return;
        }
        if (tariff.mode() == BillingMode.PER_ANSWERED_LEG) {
            for (CallLeg leg : new CallLeg[] {a, b}) {
                if (leg != null) {
                    out.append("  leg ")
                            .append(leg.getLeg())
                            .append(", ")
                            .append(leg.getTalkSeconds())
                            .append(" s answered:\n");
                    tariff.arithmetic(leg.getTalkSeconds())
                            .forEach(line -> out.append("    ").append(line).append('\n'));
                }
            }
        } else {
            tariff.arithmetic(call.getTalkSeconds())
                    .forEach(line -> out.append("  ").append(line).append('\n'));
        }
        if (call.getQualityFlags().contains(io.callstream.schema.QualityFlag.NO_END_TIME)) {
            out.append("  (no end time: billed from the vendor's stated talk, else its stated billing)\n");
        }
        out.append("  => billed ")
                .append(call.getBilledSeconds())
                .append(" s, amount ")
                .append(call.getAmount() == null ? "none" : call.getAmount() + " " + call.getCurrency())
                .append('\n');
    }

    private static void vendorFigures(StringBuilder out, Call call) {
        out.append("\nThe vendor's figures beside ours:\n");
        out.append(String.format("  %-14s %10s %10s%n", "", "ours", "vendor's"));
        out.append(String.format(
                "  %-14s %10s %10s%n", "talk s", call.getTalkSeconds(), dash(call.getVendorTalkSeconds())));
        out.append(String.format(
                "  %-14s %10s %10s%n",
                "leg A s",
                call.getLegA() == null ? "-" : call.getLegA().getTalkSeconds(),
                dash(call.getVendorLegASeconds())));
        out.append(String.format(
                "  %-14s %10s %10s%s%n",
                "billed s",
                call.getBilledSeconds(),
                dash(call.getVendorBilledSeconds()),
                call.getVendorBilledSeconds() == null
                        ? ""
                        : call.getVendorBilledDerived()
                                ? "  (derived from the vendor's talk by the tariff)"
                                : "  (stated)"));
        out.append(
                String.format("  %-14s %10s %10s%n", "amount", dash(call.getAmount()), dash(call.getVendorAmount())));
        out.append("  reconciliation: ").append(call.getDifferenceClass()).append('\n');
        out.append("  quality flags: ")
                .append(
                        call.getQualityFlags().isEmpty()
                                ? "none"
                                : call.getQualityFlags().toString())
                .append('\n');
    }

    private static String dash(Object value) {
        return value == null ? "-" : value.toString();
    }

    /** The fields two versions differ in, {@code name: old -> new}, legs field by field. */
    static List<String> changes(SpecificRecord before, SpecificRecord after) {
        List<String> changes = new ArrayList<>();
        collect("", before, after, changes);
        return changes.isEmpty() ? List.of("nothing visible") : changes;
    }

    private static void collect(String prefix, SpecificRecord before, SpecificRecord after, List<String> out) {
        Schema schema = after.getSchema();
        for (Schema.Field field : schema.getFields()) {
            if (prefix.isEmpty()
                    && List.of("version", "finalisedAt", "eventCount").contains(field.name())) {
                continue;
            }
            Object was = before == null ? null : before.get(field.pos());
            Object is = after.get(field.pos());
            if (was instanceof SpecificRecord wasRecord && is instanceof SpecificRecord isRecord) {
                collect(prefix + field.name() + ".", wasRecord, isRecord, out);
            } else if (!Objects.equals(was, is)) {
                out.add(prefix + field.name() + ": " + was + " -> " + is);
            }
        }
    }

    /** The non-null fields of an event (but those left out), {@code name=value}. */
    private static String fields(SpecificRecord record, List<String> leaveOut) {
        StringBuilder out = new StringBuilder();
        for (Schema.Field field : record.getSchema().getFields()) {
            Object value = record.get(field.pos());
            if (value != null && !leaveOut.contains(field.name())) {
                out.append(' ').append(field.name()).append('=').append(value);
            }
        }
        return out.toString();
    }

    private static final Pattern CHARSET = Pattern.compile("(?i)charset=\"?([A-Za-z0-9._-]+)");

    /** The body as the vendor sent it, in its declared charset (UTF-8 if none or unknown). */
    static String body(WebhookEnvelope push) {
        Charset charset = StandardCharsets.UTF_8;
        Matcher declared =
                CHARSET.matcher(Optional.ofNullable(push.getContentType()).orElse(""));
        if (declared.find()) {
            try {
                charset = Charset.forName(declared.group(1));
            } catch (RuntimeException unknown) {
                // shown as UTF-8
            }
        }
        java.nio.ByteBuffer bytes = push.getBody().duplicate();
        byte[] raw = new byte[bytes.remaining()];
        bytes.get(raw);
        return new String(raw, charset);
    }
}
