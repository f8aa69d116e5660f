package io.callstream.platform.simulate;

import io.callstream.platform.simulate.SimulatedCall.Push;
import io.callstream.schema.DifferenceClass;
import io.callstream.schema.FailureCategory;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays vendor traffic against a running ingest service at a steady rate of calls: each call's
 * pushes in the vendor's native format, vendor retries (the same push again), pushes held back and
 * sent at the end (late and, for YTX, out of order: the record before the leg states), a few
 * malformed bodies, and optionally a failure spike, a silence or lost final pushes of one vendor,
 * or a tenant's toll fraud. It knows what callstream must
 * make of every call ({@link Expected}), so a run can be checked against the stores.
 */
public final class TrafficSimulator {

    /**
     * @param callsPerSecond calls started per second
     * @param duration how long to start calls for
     * @param spikeVendor a vendor whose calls fail (network side) 60% of the time; null for none
     * @param silenceVendor a vendor that pushes nothing in the middle third of the run (its share
     *     goes to the others, so the rate stays); null for none
     * @param dropFinalsVendor a vendor whose calls in the middle third get their progress pushes but
     *     not their final one (call record, hang-up), as when a vendor loses its CDR pushes; calls it
     *     pushes only once are sent whole; null for none
     * @param fraudTenant a tenant that, in the middle third of the run, makes {@link
     *     CallFactory#FRAUD_CALLS} extra UCPaaS calls with each UCPaaS call of the run: answered, a few
     *     seconds long, to international premium ranges (00882, 00537) it never called before (toll
     *     fraud: short calls, new destinations, spend); {@code acct-sim}, the tenant of all simulated
     *     traffic, has the history the signals compare with; null for none
     * @param seed makes the traffic repeatable
     */
    public record Options(
            String ingestUrl,
            double callsPerSecond,
            Duration duration,
            String spikeVendor,
            String silenceVendor,
            String dropFinalsVendor,
            String fraudTenant,
            long seed) {

        public Options(String ingestUrl, double callsPerSecond, Duration duration, String spikeVendor, long seed) {
            this(ingestUrl, callsPerSecond, duration, spikeVendor, null, null, null, seed);
        }

        public Options {
            if (dropFinalsVendor != null && !CallFactory.WITH_PROGRESS_PUSHES.contains(dropFinalsVendor)) {
                throw new IllegalArgumentException("final pushes can be dropped for " + CallFactory.WITH_PROGRESS_PUSHES
                        + " (the others push a call once, at its end: without it nothing arrives, which is"
                        + " --silence)");
            }
            if (silenceVendor != null && !CallFactory.VENDORS.contains(silenceVendor)) {
                throw new IllegalArgumentException("a silence can be injected for " + CallFactory.VENDORS);
            }
            if (callsPerSecond <= 0 || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("rate and duration must be positive");
            }
            if (spikeVendor != null
                    && !List.of("winnerlook", "ucpaas", "yunhuni").contains(spikeVendor)) {
                throw new IllegalArgumentException("a spike can be injected for winnerlook, ucpaas or yunhuni");
            }
        }

        long calls() {
            return Math.max(1, Math.round(callsPerSecond * duration.toMillis() / 1000.0));
        }

        /** Whether the {@code n}th call of the run falls in the silence (the middle third). */
        boolean silent(long n) {
            return silenceVendor != null && middleThird(n);
        }

        /** Whether the {@code n}th call of the run, of {@code vendor}, comes with the fraud's extra calls. */
        boolean withFraud(long n, String vendor) {
            return fraudTenant != null && vendor.equals(CallFactory.FRAUD_VENDOR) && middleThird(n);
        }

        /** Whether the {@code n}th call of the run, of {@code vendor}, loses its final push. */
        boolean finalDropped(long n, String vendor) {
            return vendor.equals(dropFinalsVendor) && middleThird(n);
        }

        private boolean middleThird(long n) {
            return n >= calls() / 3 && n < 2 * calls() / 3;
        }
    }

    /**
     * What callstream must hold after the run: one row per call, these categories and billed
     * seconds, and exactly these calls (by call id) differing from the vendor's figures, with these
     * reconciliation classes; {@code corrections} calls whose vendor corrected its record (each
     * with a second version). Every call id of the run starts with {@code callIdPrefix}. Calls whose
     * final push was dropped on purpose ({@code finalsDropped}, by vendor) are in {@code calls} only:
     * what callstream makes of a call it never hears the end of is the processor's timeout, not the
     * vendor's documents.
     */
    public record Expected(
            long calls,
            Map<String, Map<FailureCategory, Long>> categoriesByVendor,
            Map<String, Long> billedSecondsByVendor,
            Map<String, Long> talkSecondsByVendor,
            Map<String, DifferenceClass> differences,
            long corrections,
            String callIdPrefix,
            Map<String, Long> finalsDropped) {

        public long billedSeconds() {
            return billedSecondsByVendor.values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }

        public long talkSeconds() {
            return talkSecondsByVendor.values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    /** What the run sent and how the ingest service answered. */
    public record Summary(
            Expected expected,
            long pushes,
            long retries,
            long late,
            long malformed,
            long accepted,
            long rejected,
            long failed,
            long unavailable,
            Duration took) {

        public String describe() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(
                    "%,d calls, %,d pushes in %.1f s: %,d accepted, %,d rejected as malformed (%,d sent), %,d failed%n",
                    expected.calls(), pushes, took.toMillis() / 1000.0, accepted, rejected, malformed, failed));
            out.append(String.format(
                    "  vendor retries (duplicates) %,d, late or out-of-order pushes %,d, answered 503 and sent again %,d%n",
                    retries, late, unavailable));
            expected.categoriesByVendor()
                    .forEach((vendor, categories) -> out.append(String.format(
                            "  %-10s %,6d calls, %,8d billed seconds, %s%n",
                            vendor,
                            categories.values().stream()
                                    .mapToLong(Long::longValue)
                                    .sum(),
                            expected.billedSecondsByVendor().getOrDefault(vendor, 0L),
                            categories)));
            Map<DifferenceClass, Long> classes = new TreeMap<>();
            expected.differences().values().forEach(difference -> classes.merge(difference, 1L, Long::sum));
            out.append(String.format(
                    "  vendor figures differing on purpose: %,d calls %s%n",
                    expected.differences().size(), classes));
            expected.finalsDropped()
                    .forEach((vendor, calls) -> out.append(String.format(
                            "  final pushes dropped on purpose: %,d %s calls (not in the figures above; callstream"
                                    + " finalises them EXPIRED after CALLSTREAM_PROCESSOR_FINALISE_AFTER_SECONDS)%n",
                            calls, vendor)));
            return out.toString();
        }
    }

    /** The ingest service's receipt header on an accepted push. */
    static final String ENVELOPE_HEADER = "X-Callstream-Envelope";

    /** How often a push is sent before it counts as failed (vendors retry for longer still). */
    static final int MAX_ATTEMPTS = 8;

    private static final int[] WEIGHTS = {30, 30, 20, 20}; // winnerlook, ucpaas, yunhuni, ytx

    /** The weights while a vendor is silent: its share is 0. */
    private static final Map<String, int[]> SILENT_WEIGHTS = CallFactory.VENDORS.stream()
            .collect(java.util.stream.Collectors.toMap(vendor -> vendor, vendor -> {
                int[] weights = WEIGHTS.clone();
                weights[CallFactory.VENDORS.indexOf(vendor)] = 0;
                return weights;
            }));

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** Told when every push of a call has been acknowledged by the ingest service. */
    @FunctionalInterface
    public interface AckListener {
        void acknowledged(String vendor, String callId, long nanoTime);
    }

    /**
     * Told of every push the ingest service accepted (200), with the receipt it answered: the id of
     * the push's envelope on {@code webhooks-raw}.
     */
    @FunctionalInterface
    public interface ReceiptListener {
        void stored(String path, String envelopeId);
    }

    /** Prints, at the start and the end of the middle third, that {@code who} (null: nobody) starts and stops. */
    private static void announce(PrintStream out, long n, long total, String who, String starts, String stops) {
        if (who != null && (n == total / 3 || n == 2 * total / 3)) {
            out.printf("  %s %s at call %,d of %,d%n", who, n == total / 3 ? starts : stops, n, total);
        }
    }

    /** Adds a call's expected category, billed and talk seconds to its vendor's. */
    private static void expect(
            SimulatedCall call,
            Map<String, Map<FailureCategory, Long>> categories,
            Map<String, Long> billed,
            Map<String, Long> talk) {
        categories
                .computeIfAbsent(call.vendor(), v -> new EnumMap<>(FailureCategory.class))
                .merge(call.category(), 1L, Long::sum);
        billed.merge(call.vendor(), (long) call.billedSeconds(), Long::sum);
        talk.merge(call.vendor(), (long) call.talkSeconds(), Long::sum);
    }

    /** Runs the traffic; {@code out} gets a progress bar (or lines, when not a terminal) and nothing else. */
    public Summary run(Options options, PrintStream out) throws InterruptedException {
        return run(options, out, (vendor, callId, nanoTime) -> {});
    }

    /** Runs the traffic, telling {@code acks} when each call's pushes are all acknowledged. */
    public Summary run(Options options, PrintStream out, AckListener acks) throws InterruptedException {
        return run(options, out, acks, (path, envelopeId) -> {});
    }

    /** Runs the traffic, telling {@code acks} of acknowledged calls and {@code receipts} of each stored push. */
    public Summary run(Options options, PrintStream out, AckListener acks, ReceiptListener receipts)
            throws InterruptedException {
        CallFactory factory = new CallFactory(
                options.seed(),
                Long.toString(options.seed(), 36) + "-"
                        + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36));
        long total = options.calls();
        Counters counters = new Counters();
        List<Map.Entry<Push, SimulatedCall>> late = Collections.synchronizedList(new ArrayList<>());
        Map<String, Map<FailureCategory, Long>> categories = new TreeMap<>();
        Map<String, Long> billed = new TreeMap<>();
        Map<String, Long> talk = new TreeMap<>();
        Map<String, DifferenceClass> differences = new TreeMap<>();
        Map<String, Long> finalsDropped = new TreeMap<>();
        long corrections = 0;
        long fraudCalls = 0;
        Instant begin = Instant.now();
        long intervalNanos = Math.round(1e9 / options.callsPerSecond());
        Progress progress = new Progress(out, total);
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> inFlight = new ArrayList<>();
            long started = System.nanoTime();
            for (long n = 0; n < total; n++) {
                long due = started + n * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                announce(out, n, total, options.silenceVendor(), "falls silent", "pushes again");
                announce(
                        out,
                        n,
                        total,
                        options.fraudTenant(),
                        "starts short calls to 00882 and 00537",
                        "stops the short calls");
                announce(
                        out,
                        n,
                        total,
                        options.dropFinalsVendor(),
                        "stops sending final pushes",
                        "sends final pushes again");
                String vendor =
                        factory.vendor(options.silent(n) ? SILENT_WEIGHTS.get(options.silenceVendor()) : WEIGHTS);
                SimulatedCall whole = factory.next(n, Instant.now(), vendor, vendor.equals(options.spikeVendor()));
                SimulatedCall call = options.finalDropped(n, vendor) ? CallFactory.withoutFinalPush(whole) : whole;
                if (options.withFraud(n, vendor)) {
                    for (int k = 0; k < CallFactory.FRAUD_CALLS; k++) {
                        SimulatedCall fraud = factory.fraud(n, k, Instant.now(), options.fraudTenant());
                        fraudCalls++;
                        expect(fraud, categories, billed, talk);
                        inFlight.add(senders.submit(() -> {
                            for (Push push : fraud.pushes()) {
                                send(options.ingestUrl(), push, counters, false, receipts);
                            }
                            acks.acknowledged(fraud.vendor(), fraud.callId(), System.nanoTime());
                        }));
                    }
                }
                boolean dropped = call != whole; // its end is never heard: nothing to expect of it
                if (dropped) {
                    finalsDropped.merge(vendor, 1L, Long::sum);
                } else {
                    expect(call, categories, billed, talk);
                    if (call.difference() != DifferenceClass.AGREES
                            && call.difference() != DifferenceClass.NOT_COMPARED) {
                        differences.put(call.callId(), call.difference());
                    }
                    corrections += call.versions() - 1;
                }
                List<Push> pushes = new ArrayList<>(call.pushes());
                Push last = pushes.getLast();
                if (!dropped && factory.chance(0.05)) {
                    pushes.add(last); // the vendor did not see our answer in time and retries
                    counters.retries.incrementAndGet();
                }
                boolean heldBack = !dropped && factory.chance(0.03);
                if (heldBack) {
                    // held back: sent after every call has started (late); for YTX the leg states then
                    // arrive after the record (out of order)
                    Push held = vendor.equals("ytx") ? pushes.removeFirst() : pushes.removeLast();
                    late.add(Map.entry(held, call));
                    counters.late.incrementAndGet();
                }
                if (n % 250 == 125) {
                    Push broken = factory.malformed(vendor);
                    counters.malformed.incrementAndGet();
                    inFlight.add(senders.submit(() -> send(options.ingestUrl(), broken, counters, true, receipts)));
                }
                boolean complete = !heldBack && !dropped; // else the held push completes the call, at the end
                inFlight.add(senders.submit(() -> {
                    for (Push push : pushes) {
                        send(options.ingestUrl(), push, counters, false, receipts);
                    }
                    if (complete) {
                        acks.acknowledged(call.vendor(), call.callId(), System.nanoTime());
                    }
                }));
                progress.update(n + 1, counters);
            }
            for (Future<?> sent : inFlight) {
                await(sent);
            }
            for (Map.Entry<Push, SimulatedCall> held : late) {
                send(options.ingestUrl(), held.getKey(), counters, false, receipts);
                acks.acknowledged(held.getValue().vendor(), held.getValue().callId(), System.nanoTime());
            }
            progress.update(total, counters);
            progress.done();
        }
        Expected expected = new Expected(
                total + fraudCalls,
                categories,
                billed,
                talk,
                differences,
                corrections,
                factory.callIdPrefix(),
                finalsDropped);
        return new Summary(
                expected,
                counters.pushes.get(),
                counters.retries.get(),
                counters.late.get(),
                counters.malformed.get(),
                counters.accepted.get(),
                counters.rejected.get(),
                counters.failed.get(),
                counters.unavailable.get(),
                Duration.between(begin, Instant.now()));
    }

    private void send(String ingestUrl, Push push, Counters counters, boolean malformed, ReceiptListener receipts) {
        counters.pushes.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(URI.create(ingestUrl + push.path()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", push.contentType())
                .POST(HttpRequest.BodyPublishers.ofString(push.body(), StandardCharsets.UTF_8))
                .build();
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status == 200) {
                    counters.accepted.incrementAndGet();
                    response.headers()
                            .firstValue(ENVELOPE_HEADER)
                            .ifPresent(envelope -> receipts.stored(push.path(), envelope));
                } else if (status == 400 && malformed) {
                    counters.rejected.incrementAndGet();
                } else if (status == 503 && attempt < MAX_ATTEMPTS) {
                    counters.unavailable.incrementAndGet();
                    Thread.sleep(backoff(attempt)); // as vendors do: retry what was not taken
                    continue;
                } else {
                    counters.failed.incrementAndGet();
                }
                return;
            } catch (IOException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    counters.failed.incrementAndGet();
                    return;
                }
                try {
                    Thread.sleep(backoff(attempt));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    counters.failed.incrementAndGet();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                counters.failed.incrementAndGet();
                return;
            }
        }
    }

    /** 0.5 s, 1 s, 2 s, 4 s, then 5 s: about 20 s in all, longer than a Kafka leader election. */
    private static long backoff(int attempt) {
        return Math.min(5_000L, 500L << Math.min(attempt - 1, 4));
    }

    private static void await(Future<?> future) throws InterruptedException {
        try {
            future.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a sender failed", e.getCause());
        }
    }

    private static final class Counters {
        final AtomicLong pushes = new AtomicLong();
        final AtomicLong retries = new AtomicLong();
        final AtomicLong late = new AtomicLong();
        final AtomicLong malformed = new AtomicLong();
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong unavailable = new AtomicLong();
    }

    /** A progress bar on a terminal; a line per 10% otherwise (logs, CI). */
    private static final class Progress {
        private final PrintStream out;
        private final long total;
        private final boolean terminal = System.console() != null;
        private long lastDecile = -1;
        private long lastDraw;

        Progress(PrintStream out, long total) {
            this.out = out;
            this.total = total;
        }

        void update(long done, Counters counters) {
            long decile = done * 10 / total;
            if (terminal) {
                long now = System.nanoTime();
                if (now - lastDraw < 200_000_000L && done < total) {
                    return;
                }
                lastDraw = now;
                int width = 30;
                int filled = (int) (done * width / total);
                out.printf(
                        "\r  [%s%s] %3d%%  %,d/%,d calls  %,d pushes  %,d failed",
                        "#".repeat(filled),
                        ".".repeat(width - filled),
                        done * 100 / total,
                        done,
                        total,
                        counters.pushes.get(),
                        counters.failed.get());
            } else if (decile != lastDecile) {
                lastDecile = decile;
                out.printf("  %3d%%  %,d/%,d calls started%n", decile * 10, done, total);
            }
        }

        void done() {
            if (terminal) {
                out.println();
            }
        }
    }
}
