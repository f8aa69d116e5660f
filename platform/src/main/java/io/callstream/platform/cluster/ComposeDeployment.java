package io.callstream.platform.cluster;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The distributed deployment as {@code docker-compose.yml} and {@code deploy/connect/} describe it,
 * read so that the local cluster runs with the same settings: the brokers' {@code KAFKA_*}
 * configuration, each service's environment, the topics job's partitions and replication factor,
 * the Connect worker's properties and the connectors' configs. Only what is particular to a host
 * changes: compose's service addresses become loopback addresses, through {@link #localize}.
 */
public final class ComposeDeployment {

    /** Per-host broker settings the local cluster sets itself (ports, node id, data directory). */
    private static final List<String> PER_HOST =
            List.of("node.id", "listeners", "advertised.listeners", "controller.quorum.voters", "log.dirs");

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::([?-])([^}]*))?}");

    private final Path root;
    private final Map<String, Map<String, Object>> services;

    private ComposeDeployment(Path root, Map<String, Map<String, Object>> services) {
        this.root = root;
        this.services = services;
    }

    /** Reads {@code docker-compose.yml} and {@code deploy/} under {@code root} (the repository). */
    @SuppressWarnings("unchecked")
    public static ComposeDeployment read(Path root) {
        Path file = root.resolve("docker-compose.yml");
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            // SnakeYAML resolves compose's anchors and merge keys (<<: *kafka-env)
            Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
            if (services == null) {
                throw new IllegalStateException(file + " has no services");
            }
            return new ComposeDeployment(root, services);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file.toAbsolutePath(), e);
        }
    }

    /** The broker services (those with a {@code KAFKA_NODE_ID}), by node id. */
    public Map<Integer, String> brokers() {
        Map<Integer, String> brokers = new TreeMap<>();
        services.forEach((name, service) -> {
            Object id = rawEnvironment(name).get("KAFKA_NODE_ID");
            if (id != null) {
                brokers.put(Integer.parseInt(id.toString()), name);
            }
        });
        if (brokers.isEmpty()) {
            throw new IllegalStateException("docker-compose.yml defines no broker (no service with KAFKA_NODE_ID)");
        }
        return brokers;
    }

    /** The cluster id the brokers' storage is formatted with ({@code CLUSTER_ID}). */
    public String clusterId() {
        return String.valueOf(
                rawEnvironment(brokers().values().iterator().next()).get("CLUSTER_ID"));
    }

    /**
     * The brokers' configuration, as Apache's image derives it from {@code KAFKA_*} variables
     * ({@code KAFKA_MIN_INSYNC_REPLICAS} is {@code min.insync.replicas}), without the per-host
     * settings; the same on every broker.
     */
    public Map<String, String> brokerProperties() {
        Map<String, String> properties = new TreeMap<>();
        rawEnvironment(brokers().values().iterator().next()).forEach((name, value) -> {
            if (name.startsWith("KAFKA_")) {
                String property = name.substring("KAFKA_".length())
                        .replace("___", "-")
                        .replace("__", "\u0000")
                        .replace('_', '.')
                        .replace('\u0000', '_')
                        .toLowerCase(Locale.ROOT);
                if (!PER_HOST.contains(property)) {
                    properties.put(property, String.valueOf(value));
                }
            }
        });
        return properties;
    }

    /**
     * A service's environment with compose's variables resolved from {@code variables}: {@code
     * ${NAME:-default}} falls back to its default; a variable compose requires ({@code ${NAME:?…}})
     * that {@code variables} does not give is left out (e.g. the vendors' shared secrets, which
     * loopback does not need).
     */
    public Map<String, String> environment(String service, Map<String, String> variables) {
        Map<String, String> environment = new LinkedHashMap<>();
        rawEnvironment(service).forEach((name, value) -> {
            String resolved = substitute(String.valueOf(value), variables);
            if (resolved != null) {
                environment.put(name, resolved);
            }
        });
        return environment;
    }

    /** The command of a service, e.g. the topics job's arguments. */
    @SuppressWarnings("unchecked")
    public List<String> command(String service) {
        Object command = service(service).get("command");
        return command == null
                ? List.of()
                : ((List<Object>) command).stream().map(String::valueOf).toList();
    }

    /** The value after {@code option} in a service's command (e.g. the topics job's {@code --partitions}). */
    public String commandOption(String service, String option) {
        List<String> command = command(service);
        int at = command.indexOf(option);
        if (at < 0 || at + 1 >= command.size()) {
            throw new IllegalStateException("docker-compose.yml: " + service + " has no " + option);
        }
        return command.get(at + 1);
    }

    /** {@code deploy/connect/worker.properties}, the distributed Connect worker's configuration. */
    public Properties connectWorker() {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(root.resolve("deploy/connect/worker.properties"))) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /** A connector's configuration as {@code deploy/connect/register-connectors.sh} registers it. */
    public Map<String, String> connector(String name) {
        try {
            return new ObjectMapper()
                    .readValue(root.resolve("deploy/connect/" + name + ".json").toFile(), new TypeReference<>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Rewrites compose's addresses for loopback: each key of {@code addresses} (e.g. {@code
     * kafka-1:9092,kafka-2:9092,kafka-3:9092} or {@code schema-registry:8081}) replaced by its value,
     * the longest first, and the wildcard {@code 0.0.0.0} by {@code 127.0.0.1}.
     */
    public static String localize(String value, Map<String, String> addresses) {
        String result = value;
        List<Map.Entry<String, String>> longestFirst = addresses.entrySet().stream()
                .sorted((a, b) -> b.getKey().length() - a.getKey().length())
                .toList();
        for (Map.Entry<String, String> address : longestFirst) {
            result = result.replace(address.getKey(), address.getValue());
        }
        return result.replace("0.0.0.0", "127.0.0.1");
    }

    static String substitute(String value, Map<String, String> variables) {
        Matcher matcher = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String given = variables.get(matcher.group(1));
            String replacement;
            if (given != null) {
                replacement = given;
            } else if ("-".equals(matcher.group(2))) {
                replacement = matcher.group(3);
            } else {
                return null;
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> rawEnvironment(String service) {
        Object environment = service(service).get("environment");
        return environment == null ? Map.of() : (Map<String, Object>) environment;
    }

    private Map<String, Object> service(String name) {
        Map<String, Object> service = services.get(name);
        if (service == null) {
            throw new IllegalStateException("docker-compose.yml has no service " + name);
        }
        return service;
    }
}
