package io.callstream.platform;

import io.callstream.platform.EmbeddedPlatform.Settings;
import io.callstream.platform.simulate.TrafficSimulator;
import io.callstream.processor.ReferenceDataLoader;
import io.callstream.processor.domain.CodeRule;
import io.callstream.processor.domain.CodeTable;
import io.callstream.processor.domain.TariffTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code ./callstream} command line. */
@Command(
        name = "callstream",
        mixinStandardHelpOptions = true,
        version = "callstream 0.1.0-SNAPSHOT",
        description = "Runs callstream on this machine.",
        subcommands = {
            CallstreamCommand.Up.class,
            CallstreamCommand.Reference.class,
            CallstreamCommand.Simulate.class,
            CallstreamCommand.Ingest.class,
            CallstreamCommand.Processor.class,
            CallstreamCommand.ConnectWorker.class,
            CallstreamCommand.Registry.class,
            CallstreamCommand.TopicsCommand.class,
            CallstreamCommand.Explain.class,
            CallstreamCommand.Sql.class,
            CallstreamCommand.Report.class,
            CallstreamCommand.Reconcile.class,
            io.callstream.platform.cluster.ClusterCommand.class,
            io.callstream.platform.cluster.BrokerCommand.class,
            io.callstream.platform.notify.NotifyCommand.class
        })
public final class CallstreamCommand {

    public static void main(String[] args) {
        System.exit(new CommandLine(new CallstreamCommand()).execute(args));
    }

    /**
     * Waits until the JVM is asked to stop (Ctrl-C, {@code SIGTERM}), running {@code stop} first: a
     * subcommand that started a service returns only then, or {@link #main}'s {@code System.exit}
     * would end it at once.
     */
    public static void runUntilStopped(String name, Runnable stop) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stop.run();
                            stopped.countDown();
                        },
                        name + "-stop"));
        stopped.await();
    }

    /** Where a running platform's Kafka and schema registry are (those of {@code ./callstream up} by default). */
    public static final class PlatformAddress {
        @Option(
                names = "--bootstrap-servers",
                defaultValue = "127.0.0.1:9092",
                description = "Kafka (default: ${DEFAULT-VALUE}).")
        public String bootstrapServers;

        @Option(
                names = "--schema-registry-url",
                defaultValue = "http://127.0.0.1:8081",
                description = "Schema registry (default: ${DEFAULT-VALUE}).")
        public String schemaRegistryUrl;
    }

    /** Where the store is read: the running platform, else the file; and how the rows are printed. */
    static final class StoreOptions {
        @Option(
                names = "--dashboard-url",
                defaultValue = "http://127.0.0.1:8088/",
                description = "A running ./callstream up answers there (default: ${DEFAULT-VALUE}).")
        String dashboardUrl;

        @Option(
                names = "--data-dir",
                defaultValue = "data",
                description =
                        "Read <dir>/callstream.duckdb directly when no platform runs (default: ${DEFAULT-VALUE}).")
        Path dataDirectory;

        @Option(
                names = "--format",
                defaultValue = "table",
                description = "table, csv or json (default: ${DEFAULT-VALUE}).")
        String format;

        io.callstream.platform.sql.SqlClient client() {
            return new io.callstream.platform.sql.SqlClient(dashboardUrl, dataDirectory.resolve("callstream.duckdb"));
        }

        io.callstream.platform.sql.QueryResult.Format format() {
            try {
                return io.callstream.platform.sql.QueryResult.Format.valueOf(format.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(
                        new CommandLine(new Sql()), "--format: table, csv or json, not " + format);
            }
        }
    }

    /** Read-only SQL over the analytics store, while the platform runs or not. */
    @Command(
            name = "sql",
            mixinStandardHelpOptions = true,
            description = "Runs one read-only SQL statement (SELECT, WITH, SHOW, DESCRIBE, …) on the DuckDB store:"
                    + " through the running platform, or on the file when it is stopped. Writes are refused.")
    static final class Sql implements Callable<Integer> {
        @CommandLine.Parameters(
                index = "0",
                paramLabel = "SQL",
                description = "e.g. \"SELECT * FROM billing_reconciliation\"")
        String statement;

        @CommandLine.Mixin
        StoreOptions store = new StoreOptions();

        @Override
        public Integer call() {
            return run(() -> {
                System.out.print(store.client()
                        .query(statement, via -> System.err.println("… " + via))
                        .format(store.format()));
                return 0;
            });
        }

        /** Status 3, said on stderr, when more than {@code failAbove} (if given) calls are {@code what}; else 0. */
        static Integer exitAbove(long count, Long failAbove, String what) {
            if (failAbove != null && count > failAbove) {
                System.err.println("callstream: " + count + " " + what + " (more than " + failAbove + ")");
                return 3;
            }
            return 0;
        }

        /** Runs {@code body}; a refused statement or a store error is one line on stderr and status 2. */
        static Integer run(Callable<Integer> body) {
            try {
                return body.call();
            } catch (io.callstream.platform.sql.SqlClient.SqlException | IllegalArgumentException e) {
                System.err.println("callstream: " + e.getMessage());
                return 2;
            } catch (java.io.IOException e) {
                System.err.println("callstream: cannot read " + e.getMessage());
                return 2;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Three-way reconciliation: a vendor's own CDR export beside what its pushes gave. */
    @Command(
            name = "reconcile",
            mixinStandardHelpOptions = true,
            description = "Imports a vendor's CDR or bill export (CSV with a header; the column mapping per vendor is"
                    + " configuration) and compares it with callstream's calls: calls the vendor has that callstream"
                    + " never received, calls callstream has that the export lacks, and calls whose seconds or"
                    + " amounts differ, with their class. The import is kept (table vendor_cdrs); importing the same"
                    + " file again changes nothing. Exit status 3 when more calls mismatch than --fail-above.")
    static final class Reconcile implements Callable<Integer> {
        @Option(names = "--vendor", required = true, description = "winnerlook, ucpaas, yunhuni or ytx.")
        String vendor;

        @Option(names = "--file", required = true, description = "The vendor's export (CSV, UTF-8).")
        Path file;

        @Option(
                names = "--mapping",
                description = "Which columns hold what (properties: callId, startTime, talkSeconds, legASeconds,"
                        + " billedSeconds, amount, zone); default: the one shipped for the vendor.")
        Path mapping;

        @Option(
                names = "--tolerance-seconds",
                defaultValue = "0",
                description = "Seconds within which figures agree (default: ${DEFAULT-VALUE}).")
        int toleranceSeconds;

        @Option(
                names = "--tolerance-amount",
                defaultValue = "0",
                description = "Amount within which figures agree (default: ${DEFAULT-VALUE}).")
        java.math.BigDecimal toleranceAmount;

        @Option(names = "--fail-above", paramLabel = "CALLS", description = "Exit with status 3 above this many.")
        Long failAbove;

        @CommandLine.Mixin
        StoreOptions store = new StoreOptions();

        @Override
        public Integer call() {
            return Sql.run(() -> {
                var cdrMapping = mapping == null
                        ? io.callstream.platform.reconcile.CdrMapping.bundled(vendor)
                        : io.callstream.platform.reconcile.CdrMapping.load(mapping);
                java.util.List<io.callstream.platform.reconcile.VendorCdr> export;
                try (var in = Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
                    export = io.callstream.platform.reconcile.CdrExport.read(in, cdrMapping);
                }
                var kept = new io.callstream.platform.reconcile.CdrImporter(
                                store.dashboardUrl, store.dataDirectory.resolve("callstream.duckdb"))
                        .store(vendor, file.getFileName().toString(), export, via -> System.err.println("… " + via));
                System.err.printf(
                        "… %s: %d calls read; kept %d new, %d changed, %d unchanged%n",
                        file, export.size(), kept.added(), kept.changed(), kept.unchanged());
                var result = new io.callstream.platform.reconcile.ThreeWayReconciliation(
                                new io.callstream.processor.domain.Reconciliation(toleranceSeconds, toleranceAmount))
                        .compare(vendor, export, store.client(), via -> {});
                System.err.printf(
                        "… %d calls in the export: %d match, %d do not%n",
                        result.exported(), result.matched(), result.mismatches().size());
                System.out.print(result.table().format(store.format()));
                return Sql.exitAbove(result.mismatches().size(), failAbove, "calls do not match the vendor's export");
            });
        }
    }

    /** Reports for reconciliation jobs and KPI reviews. */
    @Command(
            name = "report",
            mixinStandardHelpOptions = true,
            description = "Reports over the store (through the running platform, or the file when it is stopped).",
            subcommands = {Report.Reconciliation.class, Report.Kpis.class})
    static final class Report {

        static final class ScopeOptions {
            @Option(names = "--from", required = true, paramLabel = "DAY", description = "First day, yyyy-MM-dd (UTC).")
            java.time.LocalDate from;

            @Option(names = "--to", required = true, paramLabel = "DAY", description = "Last day, yyyy-MM-dd (UTC).")
            java.time.LocalDate to;

            @Option(names = "--tenant", description = "Only this tenant.")
            String tenant;

            @Option(names = "--vendor", description = "Only this vendor.")
            String vendor;

            io.callstream.platform.sql.Reports.Scope scope() {
                return new io.callstream.platform.sql.Reports.Scope(from, to, tenant, vendor);
            }
        }

        @Command(
                name = "reconciliation",
                mixinStandardHelpOptions = true,
                description = "Per tenant, vendor and day: our talk, billed seconds and amount beside the vendor's, the"
                        + " calls that differ per class, then the differing calls. Exit status 3 when more calls"
                        + " differ than --fail-above.")
        static final class Reconciliation implements Callable<Integer> {
            @CommandLine.Mixin
            ScopeOptions scope = new ScopeOptions();

            @CommandLine.Mixin
            StoreOptions store = new StoreOptions();

            @Option(
                    names = "--fail-above",
                    paramLabel = "CALLS",
                    description = "Exit with status 3 when more than this many calls differ (for a nightly job).")
            Long failAbove;

            @Override
            public Integer call() {
                return Sql.run(() -> {
                    var client = store.client();
                    var summary = client.query(
                            io.callstream.platform.sql.Reports.reconciliationSummary(scope.scope()),
                            via -> System.err.println("… " + via));
                    var calls =
                            client.query(io.callstream.platform.sql.Reports.differingCalls(scope.scope()), via -> {});
                    if (store.format() == io.callstream.platform.sql.QueryResult.Format.JSON) {
                        System.out.print("{\"days\": " + summary.json().trim() + ",\n\"differing\": "
                                + calls.json().trim() + "}\n");
                    } else {
                        System.out.print(summary.format(store.format()));
                        System.out.println();
                        System.out.print(calls.format(store.format()));
                    }
                    return Sql.exitAbove(calls.rows().size(), failAbove, "calls differ from the vendor's figures");
                });
            }
        }

        @Command(
                name = "kpis",
                mixinStandardHelpOptions = true,
                description =
                        "ASR, NER, ACD, PDD, talk and billed minutes and flagged calls per vendor and hour or day.")
        static final class Kpis implements Callable<Integer> {
            @CommandLine.Mixin
            ScopeOptions scope = new ScopeOptions();

            @CommandLine.Mixin
            StoreOptions store = new StoreOptions();

            @Option(names = "--by", defaultValue = "day", description = "hour or day (default: ${DEFAULT-VALUE}).")
            String by;

            @Override
            public Integer call() {
                return Sql.run(() -> {
                    var period =
                            io.callstream.platform.sql.Reports.Period.valueOf(by.toUpperCase(java.util.Locale.ROOT));
                    System.out.print(store.client()
                            .query(
                                    io.callstream.platform.sql.Reports.kpis(scope.scope(), period),
                                    via -> System.err.println("… " + via))
                            .format(store.format()));
                    return 0;
                });
            }
        }
    }

    /** Why a call was billed what it was. */
    @Command(
            name = "explain",
            mixinStandardHelpOptions = true,
            description =
                    "Explains one call's bill: the raw pushes it came from, the normalized events, each version"
                            + " and what changed, the tariff and cap with the arithmetic, and the vendor's figures beside ours.")
    static final class Explain implements Callable<Integer> {

        @CommandLine.Parameters(index = "0", paramLabel = "VENDOR", description = "winnerlook, ucpaas, yunhuni or ytx.")
        String vendor;

        @CommandLine.Parameters(index = "1", paramLabel = "CALL_ID", description = "The vendor's call id.")
        String callId;

        @CommandLine.Mixin
        PlatformAddress platform = new PlatformAddress();

        @Option(
                names = "--dashboard-url",
                defaultValue = "http://127.0.0.1:8088/",
                description = "For the link to the same explanation (default: ${DEFAULT-VALUE}).")
        String dashboardUrl;

        @Override
        public Integer call() {
            String text = new io.callstream.platform.explain.CallExplainer(
                            platform.bootstrapServers, platform.schemaRegistryUrl)
                    .explain(vendor, callId, line -> System.err.println("… " + line), dashboardUrl);
            System.out.print(text);
            return text.startsWith("No call ") ? 1 : 0;
        }
    }

    /** Vendor traffic against a running ingest service. */
    @Command(
            name = "simulate",
            mixinStandardHelpOptions = true,
            description = "Sends realistic vendor pushes (all four vendors' native formats, every failure state,"
                    + " retries, late and out-of-order pushes, a few malformed bodies) to a running ingest service.")
    static final class Simulate implements Callable<Integer> {

        @Option(
                names = "--ingest-url",
                defaultValue = "http://127.0.0.1:8090",
                description = "Default: ${DEFAULT-VALUE}.")
        String ingestUrl;

        @Option(
                names = "--rate",
                defaultValue = "200",
                description = "Calls started per second (default: ${DEFAULT-VALUE}).")
        double rate;

        @Option(
                names = "--duration",
                defaultValue = "60s",
                description = "How long to start calls for: 90s, 5m, 1h (default: ${DEFAULT-VALUE}).")
        String duration;

        @Option(
                names = "--spike",
                paramLabel = "VENDOR",
                description = "Inject a failure spike (60%% network-side failures) for winnerlook, ucpaas or yunhuni.")
        String spike;

        @Option(
                names = "--silence",
                paramLabel = "VENDOR",
                description = "Inject a silence: the vendor (winnerlook, ucpaas, yunhuni or ytx) pushes nothing in the"
                        + " middle third of the run; the processor raises SILENCE once that lasts 5 minutes"
                        + " (CALLSTREAM_PROCESSOR_SILENCE_AFTER_MINUTES) and clears it when the vendor pushes again.")
        String silence;

        @Option(
                names = "--drop-finals",
                paramLabel = "VENDOR",
                description =
                        "Drop final pushes: in the middle third of the run, the vendor's (ucpaas or ytx) calls get"
                                + " their progress pushes but no call record or hang-up; the processor finalises them (EXPIRED,"
                                + " or CONNECTED when a push said they were answered) after"
                                + " CALLSTREAM_PROCESSOR_FINALISE_AFTER_SECONDS and raises MISSING_FINALS once their share"
                                + " of settled calls is abnormal, cleared when it is back to normal.")
        String dropFinals;

        @Option(
                names = "--fraud",
                paramLabel = "TENANT",
                description = "Inject toll fraud: in the middle third of the run, the tenant makes 4"
                        + " extra ucpaas calls with each ucpaas call, answered, 1-5 s long, to the international"
                        + " premium ranges 00882 and 00537; the processor raises SHORT_CALLS, NEW_DESTINATIONS (once"
                        + " the tenant's own destinations are learned: CALLSTREAM_PROCESSOR_DESTINATIONS_LEARN_MINUTES)"
                        + " and SPEND (against CALLSTREAM_PROCESSOR_SPEND_WINDOW_MINUTES of history). acct-sim is the"
                        + " tenant of all simulated traffic, with the history to compare with.")
        String fraud;

        @Option(
                names = "--seed",
                defaultValue = "42",
                description = "Makes the traffic repeatable (default: ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws InterruptedException {
            TrafficSimulator.Options options = new TrafficSimulator.Options(
                    ingestUrl, rate, parseDuration(duration), spike, silence, dropFinals, fraud, seed);
            System.out.printf(
                    "Simulating %s of vendor traffic at %.0f calls/s against %s%s%s%s%s%n",
                    duration,
                    rate,
                    ingestUrl,
                    spike == null ? "" : " with a failure spike for " + spike,
                    silence == null ? "" : " with " + silence + " silent in the middle third",
                    dropFinals == null ? "" : " with " + dropFinals + "'s final pushes dropped in the middle third",
                    fraud == null ? "" : " with toll fraud by " + fraud + " in the middle third");
            TrafficSimulator.Summary summary = new TrafficSimulator().run(options, System.out);
            System.out.print(summary.describe());
            return summary.failed() == 0 ? 0 : 1;
        }

        static Duration parseDuration(String text) {
            String value = text.trim().toLowerCase(java.util.Locale.ROOT);
            long amount = Long.parseLong(value.replaceAll("[a-z]+$", ""));
            return switch (value.replaceAll("^[0-9]+", "")) {
                case "", "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default ->
                    throw new CommandLine.ParameterException(
                            new CommandLine(new Simulate()), "--duration: use e.g. 90s, 5m or 1h, not " + text);
            };
        }
    }

    /** The ingest service alone (configured by {@code CALLSTREAM_INGEST_*} variables), as a deployment runs it. */
    @Command(
            name = "ingest",
            mixinStandardHelpOptions = true,
            description = "Runs the ingest service alone (configuration: CALLSTREAM_INGEST_* variables, see README).")
    static final class Ingest implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            io.micronaut.context.ApplicationContext context =
                    io.micronaut.runtime.Micronaut.run(io.callstream.ingest.IngestApplication.class);
            // Micronaut.run returns once the server listens
            runUntilStopped("ingest", context::close);
            return 0;
        }
    }

    /** The processor alone (configured by {@code CALLSTREAM_PROCESSOR_*} variables); instances with one id share the work. */
    @Command(
            name = "processor",
            mixinStandardHelpOptions = true,
            description = "Runs the processor alone (configuration: CALLSTREAM_PROCESSOR_* variables, see README);"
                    + " start more instances to share the partitions.")
    static final class Processor implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            io.callstream.processor.CallProcessor.main(new String[0]);
            return 0;
        }
    }

    /** A distributed-mode Kafka Connect worker with callstream's plugin on its class path. */
    @Command(
            name = "connect",
            mixinStandardHelpOptions = true,
            description = "Runs a Kafka Connect worker in distributed mode with callstream's converter and sinks;"
                    + " add connectors through its REST API.")
    static final class ConnectWorker implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "WORKER_PROPERTIES", description = "The worker's properties file.")
        Path properties;

        @Override
        public Integer call() {
            org.apache.kafka.connect.cli.ConnectDistributed.main(new String[] {properties.toString()});
            return 0;
        }
    }

    /** Creates callstream's topics with their chosen retention (the docker-compose topics job runs this). */
    @Command(
            name = "topics",
            mixinStandardHelpOptions = true,
            description = "Creates callstream's topics, or brings their retention and cleanup policy in line"
                    + " (CALLSTREAM_RETENTION_<TOPIC>_DAYS overrides a retention); idempotent.")
    static final class TopicsCommand implements Callable<Integer> {
        @Option(
                names = "--bootstrap-servers",
                defaultValue = "127.0.0.1:9092",
                description = "Kafka (default: ${DEFAULT-VALUE}).")
        String bootstrapServers;

        @Option(
                names = "--partitions",
                defaultValue = "6",
                description = "Partitions of each new topic but the reference tables (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(
                names = "--replication-factor",
                defaultValue = "3",
                description = "Replication factor of new topics (default: ${DEFAULT-VALUE}).")
        int replicationFactor;

        @Override
        public Integer call() {
            int created = new io.callstream.processor.TopicProvisioner(
                            bootstrapServers, partitions, replicationFactor, System.getenv())
                    .provisionAll();
            System.out.println("callstream topics provisioned (" + created + " created)");
            return 0;
        }
    }

    /** callstream's schema registry server alone. */
    @Command(
            name = "registry",
            mixinStandardHelpOptions = true,
            description = "Runs callstream's Confluent-API-compatible schema registry alone (see README).")
    static final class Registry implements Callable<Integer> {
        @CommandLine.Parameters(arity = "0..*", paramLabel = "ARGS", description = "Passed to the registry.")
        String[] args = new String[0];

        @Override
        public Integer call() throws Exception {
            io.callstream.registry.server.SchemaRegistryMain.main(args);
            return 0;
        }
    }

    /** Loads corrected code tables or tariffs into a running platform's reference topics. */
    @Command(
            name = "reference",
            mixinStandardHelpOptions = true,
            description = "Loads code tables and tariffs into the compacted code-mappings and tariffs topics;"
                    + " the processor applies them to the next event, without a restart. A file replaces"
                    + " its whole table (the vendor's code table, or all tariffs): rows it no longer has are"
                    + " removed, unchanged rows are not republished.")
    static final class Reference implements Callable<Integer> {

        @CommandLine.Mixin
        PlatformAddress platform = new PlatformAddress();

        @Option(
                names = "--codes",
                paramLabel = "VENDOR=FILE",
                description = "A vendor's code table (CSV: field,pattern,answered,unanswered,meaning;"
                        + " see processor/src/main/resources/code-tables/). Repeatable.")
        Map<String, Path> codes = new LinkedHashMap<>();

        @Option(
                names = "--tariffs",
                paramLabel = "FILE",
                description = "All tariffs (CSV; see processor/src/main/resources/tariffs/tariffs.csv).")
        Path tariffs;

        @Override
        public Integer call() throws IOException {
            if (codes.isEmpty() && tariffs == null) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "Nothing to load: give --codes VENDOR=FILE and/or --tariffs FILE");
            }
            ReferenceDataLoader loader = new ReferenceDataLoader(
                    platform.bootstrapServers, Map.of("schema.registry.url", platform.schemaRegistryUrl));
            loader.ensureTopics(1);
            if (!codes.isEmpty()) {
                List<CodeRule> rules = new ArrayList<>();
                for (Map.Entry<String, Path> table : codes.entrySet()) {
                    rules.addAll(CodeTable.parse(table.getKey(), Files.readString(table.getValue())));
                }
                System.out.println(loader.loadCodes(rules, codes.keySet()));
            }
            if (tariffs != null) {
                System.out.println(loader.loadTariffs(TariffTable.parse(Files.readString(tariffs))));
            }
            return 0;
        }
    }

    /** Starts the embedded platform and runs it until Ctrl-C. */
    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description = "Starts the pipeline on its embedded default and runs it until Ctrl-C;"
                    + " a restart resumes with all data intact.")
    static final class Up implements Callable<Integer> {

        @Option(
                names = "--data-dir",
                defaultValue = "data",
                description = "Where data is kept (default: ${DEFAULT-VALUE}).")
        Path dataDirectory;

        @Option(
                names = "--kafka-port",
                defaultValue = "9092",
                description = "Kafka client port (default: ${DEFAULT-VALUE}).")
        int kafkaPort;

        @Option(
                names = "--kafka-controller-port",
                defaultValue = "9093",
                description = "Kafka KRaft controller port (default: ${DEFAULT-VALUE}).")
        int kafkaControllerPort;

        @Option(
                names = "--registry-port",
                defaultValue = "8081",
                description = "Schema registry port (default: ${DEFAULT-VALUE}).")
        int registryPort;

        @Option(
                names = "--ingest-port",
                defaultValue = "8090",
                description = "Ingest service (webhook) port (default: ${DEFAULT-VALUE}).")
        int ingestPort;

        @Option(
                names = "--dashboard-port",
                defaultValue = "8088",
                description = "Live dashboard port (default: ${DEFAULT-VALUE}).")
        int dashboardPort;

        @Option(
                names = "--partitions",
                defaultValue = "3",
                description = "Partitions of each topic created on first start (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(
                names = "--with-postgres",
                description = "Also run a real PostgreSQL (data under <data-dir>/postgres, loopback) and the"
                        + " PostgreSQL sink, for psql, Grafana and BI tools.")
        boolean withPostgres;

        @Option(
                names = "--postgres-port",
                defaultValue = "5432",
                description = "PostgreSQL port with --with-postgres (default: ${DEFAULT-VALUE}).")
        int postgresPort;

        @Option(
                names = "--notify",
                paramLabel = "FILE",
                description = "Deliver alert transitions to the receivers in FILE (YAML; see README, Alerts).")
        Path notify;

        @Override
        public Integer call() throws InterruptedException {
            io.callstream.platform.notify.NotifyConfig receivers =
                    notify == null ? null : io.callstream.platform.notify.NotifyConfig.read(notify, System.getenv());
            Settings settings = new Settings(
                            dataDirectory,
                            kafkaPort,
                            kafkaControllerPort,
                            registryPort,
                            ingestPort,
                            partitions,
                            true,
                            dashboardPort,
                            withPostgres ? postgresPort : -1)
                    .withEnvironment(System.getenv());
            EmbeddedPlatform platform = EmbeddedPlatform.start(settings, line -> System.out.println("  " + line));
            io.callstream.platform.notify.Notifier notifier = receivers == null
                    ? null
                    : io.callstream.platform.notify.Notifier.start(
                            receivers,
                            platform.bootstrapServers(),
                            platform.schemaRegistryUrl(),
                            line -> System.out.println("  " + line));
            CountDownLatch stopped = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicInteger exitCode = new java.util.concurrent.atomic.AtomicInteger();
            platform.whenGivingUp(() -> {
                exitCode.set(1);
                stopped.countDown();
            });
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                System.out.println("Stopping callstream ...");
                                if (notifier != null) {
                                    notifier.close();
                                }
                                platform.close();
                                stopped.countDown();
                            },
                            "callstream-stop"));
            System.out.printf(
                    "%ncallstream is up. Press Ctrl-C to stop.%n"
                            + "  Kafka bootstrap servers  %s%n"
                            + "  Schema registry          %s%n"
                            + "  Ingest service           %s (/health, /ready, /prometheus)%n"
                            + "  Dashboard                %s%n"
                            + "  DuckDB (calls, KPIs)     %s (read it: ./callstream sql \"SELECT …\")%n"
                            + "%s"
                            + "  Data                     %s%n%n"
                            + "Vendor webhook endpoints:%n",
                    platform.bootstrapServers(),
                    platform.schemaRegistryUrl(),
                    platform.ingestUrl(),
                    platform.dashboardUrl(),
                    platform.duckDbUrl(),
                    platform.postgres() == null
                            ? ""
                            : String.format(
                                    "  PostgreSQL               %s (psql -h 127.0.0.1 -p %d -U %s %s)%n",
                                    platform.postgres().jdbcUrl(),
                                    platform.postgres().port(),
                                    platform.postgres().readerUser(),
                                    "callstream"),
                    dataDirectory.toAbsolutePath());
            platform.vendors()
                    .forEach(vendor -> System.out.printf("  POST %s/webhooks/%s%n", platform.ingestUrl(), vendor));
            stopped.await();
            if (exitCode.get() != 0) {
                System.out.println("A component could not be restarted: stopping callstream ...");
                platform.close();
            }
            return exitCode.get();
        }
    }
}
