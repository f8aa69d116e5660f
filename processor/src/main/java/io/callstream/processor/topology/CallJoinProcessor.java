package io.callstream.processor.topology;

import io.callstream.processor.domain.CallJoiner;
import io.callstream.processor.domain.Destinations;
import io.callstream.processor.domain.FailureRateAlerts;
import io.callstream.processor.domain.KpiWindows;
import io.callstream.processor.domain.RetainedCalls;
import io.callstream.registry.client.RegistryException;
import io.callstream.schema.AlertInput;
import io.callstream.schema.Call;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallOutcome;
import io.callstream.schema.CallState;
import io.callstream.schema.DeadLetter;
import io.callstream.schema.DestinationCount;
import io.callstream.schema.KpiContribution;
import io.callstream.schema.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each call's distinct events and emits the joined call (and what it changes in its KPI
 * window) whenever its result changes: version
 * 1 when a terminal push has arrived whole (or the finalisation timeout passes), version + 1 for later
 * information that changes the result; nothing for a duplicate or for information that changes
 * nothing. Undecodable records, unknown vendors, events past the per-call cap or the late-event
 * horizon, and any record the join fails on go to {@code dead-letters} with their coordinates; an
 * unreachable registry fails the task instead, so it is retried, not dead-lettered.
 *
 * <p>A finished call keeps its events for {@code retainFor}, then only its last version until
 * {@code lateHorizon}: a late event within the horizon is joined with events rebuilt from that
 * version ({@link RetainedCalls}), so it continues the call's versions; after it, an event older
 * than the horizon (but not older than the task itself: that is a backfill of calls never seen) is
 * dead-lettered rather than starting a new version 1.
 *
 * <p>Due calls are found through an index store keyed {@code <deadline>|<call key>}, so a
 * punctuation reads only what is due, not every call. The same punctuation tells the alerts which
 * tenants and vendors were heard since the last one ({@link AlertInput}, the latest push's
 * timestamp), which is what their silence is judged on, and the destination prefixes of the calls
 * finalised for the first time since, which new destinations are judged on.
 */
final class CallJoinProcessor implements Processor<byte[], byte[], String, Object> {

    private static final Logger log = LoggerFactory.getLogger(CallJoinProcessor.class);
    /** Key (outside the range of deadline keys) of the wall-clock time the task first ran. */
    static final String SINCE_KEY = "~running-since";

    private final TopologySettings settings;
    private final ReferenceTables reference;
    private final Deserializer<Object> events;
    private ReferenceTables.View tables;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, CallState> calls;
    private KeyValueStore<String, String> deadlines;
    /** When this task first ran: calls older than that were never seen here (a backfill), not forgotten. */
    private long runningSince;
    /** Per tenant and vendor, the latest push's timestamp and the new calls' destinations since the last punctuation. */
    private final Map<String, AlertInput> heard = new HashMap<>();

    CallJoinProcessor(TopologySettings settings, ReferenceTables reference, Deserializer<Object> events) {
        this.settings = settings;
        this.reference = reference;
        this.events = events;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.calls = context.getStateStore(CallTopology.CALL_STATE_STORE);
        this.deadlines = context.getStateStore(CallTopology.DEADLINE_STORE);
        this.tables = reference.view(context);
        String since = deadlines.get(SINCE_KEY);
        runningSince = since == null ? -1 : Long.parseLong(since);
        context.schedule(settings.scanInterval(), PunctuationType.WALL_CLOCK_TIME, this::processDue);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        CallEvent event;
        try {
            Object value = events.deserialize(Topics.CALL_EVENTS, record.headers(), record.value());
            if (!(value instanceof CallEvent callEvent)) {
                deadLetter(
                        record,
                        "expected a CallEvent, got "
                                + (value == null
                                        ? "a tombstone"
                                        : value.getClass().getName()),
                        null,
                        null);
                return;
            }
            event = callEvent;
        } catch (RuntimeException e) {
            rethrowIfTransient(e);
            deadLetter(record, "undecodable call event: " + e.getMessage(), e, null);
            return;
        }
        if (!settings.knownVendors().contains(event.getVendor())) {
            deadLetter(record, "unknown vendor '" + event.getVendor() + "'", null, event.getVendor());
            return;
        }
        heard(event, record.timestamp());
        try {
            accept(record, event);
        } catch (RuntimeException e) {
            // A bug or an input no rule foresaw: this record is set aside, the stage goes on.
            rethrowIfTransient(e);
            log.error("Could not join event {} of {}", event.getEventId(), event.getCallId(), e);
            deadLetter(record, "call event could not be joined: " + e, e, event.getVendor());
        }
    }

    /**
     * A registry that cannot be reached is not the record's fault: the task fails, is restarted
     * from its last commit (nothing is dead-lettered or committed) and tries again.
     */
    private void rethrowIfTransient(RuntimeException e) {
        if (RegistryException.isTransient(e)) {
            settings.listener().transientFailure(e);
            throw e;
        }
    }

    private void accept(Record<byte[], byte[]> record, CallEvent event) {
        String key = Topics.callKey(event.getVendor(), event.getCallId());
        CallState state = calls.get(key);
        long now = context.currentSystemTimeMs();
        if (state == null && isForgotten(event, now)) {
            deadLetter(
                    record,
                    "late after retention: the event is from " + event.getEventTime() + ", more than "
                            + settings.lateHorizon() + " ago, and its call is no longer kept",
                    null,
                    event.getVendor());
            return;
        }
        boolean retained = state != null && state.getEvents().isEmpty() && state.getEmitted() != null;
        if (!retained
                && state != null
                && state.getEvents().stream().anyMatch(e -> e.getEventId().equals(event.getEventId()))) {
            return;
        }
        if (state != null && state.getEvents().size() >= settings.maxEventsPerCall()) {
            deadLetter(
                    record,
                    "too many events: call " + key + " already has " + settings.maxEventsPerCall()
                            + " distinct events (the cap per call)",
                    null,
                    event.getVendor());
            return;
        }
        List<CallEvent> all = new ArrayList<>(
                state == null ? List.of() : retained ? RetainedCalls.events(state.getEmitted()) : state.getEvents());
        all.add(event);
        Call emitted = state == null ? null : state.getEmitted();
        if (emitted == null ? CallJoiner.hasCompleteTerminalPush(all) : CallJoiner.isPushComplete(all, event)) {
            emitted = emitIfChanged(key, all, emitted, false, now);
        }
        save(key, state, all, emitted, now);
    }

    /** Notes that a push of the event's tenant and vendor arrived at {@code timestamp} (ingest's). */
    private void heard(CallEvent event, long timestamp) {
        AlertInput known = pending(event.getTenantId(), event.getVendor());
        if (known.getHeardAt() == null || known.getHeardAt().toEpochMilli() < timestamp) {
            known.setHeardAt(Instant.ofEpochMilli(timestamp)); // (one record per pair and scan, not per push)
        }
    }

    /** Counts a new call's destination prefix for its tenant and vendor's next alert input. */
    private void destination(Call call) {
        String prefix = Destinations.prefix(call);
        if (prefix == null) {
            return;
        }
        List<DestinationCount> destinations =
                pending(call.getTenantId(), call.getVendor()).getDestinations();
        for (DestinationCount count : destinations) {
            if (count.getPrefix().equals(prefix)) {
                count.setCalls(count.getCalls() + 1);
                if (count.getExampleCallIds().size() < Destinations.EXAMPLES) {
                    count.getExampleCallIds().add(call.getCallId());
                }
                return;
            }
        }
        destinations.add(new DestinationCount(prefix, 1L, new ArrayList<>(List.of(call.getCallId()))));
    }

    /** The pair's alert input pending until the next punctuation (mutable, one per pair and scan). */
    private AlertInput pending(String tenantId, String vendor) {
        // (the key the alerts are partitioned by: these meet the pair's KPI emissions there)
        return heard.computeIfAbsent(
                FailureRateAlerts.key(tenantId, vendor),
                pair -> AlertInput.newBuilder()
                        .setTenantId(tenantId)
                        .setVendor(vendor)
                        .setDestinations(new ArrayList<>())
                        .build());
    }

    /**
     * Whether the event's call must have been seen and forgotten here: it happened while this task
     * was running, longer ago than the late-event horizon. A call older than the task is a backfill.
     */
    private boolean isForgotten(CallEvent event, long now) {
        if (runningSince < 0) {
            runningSince = now;
            deadlines.put(SINCE_KEY, Long.toString(runningSince));
        }
        long time = event.getEventTime().toEpochMilli();
        return time >= runningSince && time < now - settings.lateHorizon().toMillis();
    }

    /**
     * Finalises open calls whose timeout passed; a finished call whose retention passed is reduced
     * to its last version (kept until the late-event horizon), then forgotten.
     */
    private void processDue(long now) {
        heard.forEach((pair, input) -> context.forward(new Record<>(pair, input, now)));
        heard.clear();
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> iterator = deadlines.range(indexKey(0, ""), indexKey(now, "\uffff"))) {
            iterator.forEachRemaining(due::add);
        }
        for (KeyValue<String, String> entry : due) {
            deadlines.delete(entry.key);
            CallState state = calls.get(entry.value);
            if (state == null || !entry.key.equals(indexKey(state.getDeadline().toEpochMilli(), entry.value))) {
                continue;
            }
            try {
                finish(entry.value, state, now);
            } catch (RuntimeException e) {
                rethrowIfTransient(e);
                log.error("Could not finalise call {}; its state is dropped", entry.value, e);
                calls.delete(entry.value);
            }
        }
    }

    private void finish(String key, CallState state, long now) {
        if (state.getEmitted() == null) {
            Call expired = emitIfChanged(key, state.getEvents(), null, true, now);
            save(key, state, state.getEvents(), expired, now);
        } else if (!state.getEvents().isEmpty()) {
            long horizon =
                    now + settings.lateHorizon().minus(settings.retainFor()).toMillis();
            deadlines.put(indexKey(horizon, key), key);
            calls.put(
                    key,
                    CallState.newBuilder(state)
                            .setEvents(List.of())
                            .setDeadline(Instant.ofEpochMilli(horizon))
                            .build());
        } else {
            calls.delete(key);
        }
    }

    private Call emitIfChanged(String key, List<CallEvent> all, Call previous, boolean expired, long now) {
        int version = previous == null ? 1 : previous.getVersion() + 1;
        // A call finalised by timeout stays expired until terminal information says otherwise.
        boolean stillExpired = expired
                || (previous != null && (previous.getOutcome() == CallOutcome.EXPIRED || previous.getNoFinalPush()));
        Call call = tables.joiner().join(all, stillExpired, version, Instant.ofEpochMilli(now));
        if (previous != null && sameResult(previous, call)) {
            return previous;
        }
        // Everything that can fail is computed before anything is forwarded: a record the join
        // fails on leaves no partial output behind.
        List<KpiContribution> change = KpiWindows.change(previous, call);
        // (a window the contribution could not be counted in, e.g. a start at the end of time, fails here)
        change.forEach(contribution -> KpiWindows.apply(null, contribution));
        context.forward(new Record<>(key, call, now));
        forward(change, now);
        if (previous == null) {
            destination(call);
        }
        settings.listener().callEmitted(call);
        return call;
    }

    private void forward(List<KpiContribution> contributions, long now) {
        for (KpiContribution contribution : contributions) {
            context.forward(new Record<>(KpiWindows.key(contribution), contribution, now));
        }
    }

    private void save(String key, CallState previous, List<CallEvent> all, Call emitted, long now) {
        long deadline = now + (emitted == null ? settings.finaliseAfter() : settings.retainFor()).toMillis();
        if (previous != null) {
            deadlines.delete(indexKey(previous.getDeadline().toEpochMilli(), key));
        }
        deadlines.put(indexKey(deadline, key), key);
        calls.put(
                key,
                CallState.newBuilder()
                        .setEvents(all)
                        .setEmitted(emitted)
                        .setUpdatedAt(Instant.ofEpochMilli(now))
                        .setDeadline(Instant.ofEpochMilli(deadline))
                        .build());
    }

    /**
     * Whether two versions say the same thing: their version, production time and how many events
     * they merged describe the version, not the call.
     */
    static boolean sameResult(Call a, Call b) {
        return normalized(a).equals(normalized(b));
    }

    private static Call normalized(Call call) {
        return Call.newBuilder(call)
                .setVersion(0)
                .setFinalisedAt(Instant.EPOCH)
                .setEventCount(0)
                .build();
    }

    static String indexKey(long deadlineMillis, String callKey) {
        return String.format("%013d|%s", deadlineMillis, callKey);
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason, Exception error, String vendor) {
        RecordMetadata source = context.recordMetadata().orElse(null);
        log.warn(
                "Dead-lettered {}-{}@{}: {}",
                source == null ? "?" : source.topic(),
                source == null ? "?" : source.partition(),
                source == null ? "?" : source.offset(),
                reason);
        Map<String, String> headers = new TreeMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
        }
        DeadLetter letter = DeadLetter.newBuilder()
                .setDeadLetterId(UUID.randomUUID().toString())
                .setComponent("processor")
                .setVendor(vendor)
                .setError(reason)
                .setErrorClass(error == null ? null : error.getClass().getName())
                .setFailedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
                .setSourceTopic(source == null ? null : source.topic())
                .setSourcePartition(source == null ? null : source.partition())
                .setSourceOffset(source == null ? null : source.offset())
                .setHeaders(headers)
                .setOriginalKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setOriginalBytes(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .build();
        context.forward(new Record<>(letter.getDeadLetterId(), letter, record.timestamp()));
        settings.listener().deadLettered(letter);
    }
}
