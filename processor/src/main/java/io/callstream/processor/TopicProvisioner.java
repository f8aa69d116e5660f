package io.callstream.processor;

import io.callstream.schema.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Creates callstream's topics as {@link TopicSpec} says, and brings the configuration of existing
 * ones (e.g. created before retention was chosen) in line with it. Retention of a delete-policy
 * topic can be overridden per topic ({@code CALLSTREAM_RETENTION_<TOPIC>_DAYS}, e.g. {@code
 * CALLSTREAM_RETENTION_WEBHOOKS_RAW_DAYS=90}).
 */
public final class TopicProvisioner {

    private final String bootstrapServers;
    private final int partitions;
    private final short replicationFactor;
    private final List<TopicSpec> specs;

    public TopicProvisioner(String bootstrapServers, int partitions, int replicationFactor, Map<String, String> env) {
        this.bootstrapServers = bootstrapServers;
        this.partitions = partitions;
        this.replicationFactor = (short) replicationFactor;
        this.specs = TopicSpec.ALL.stream().map(spec -> overridden(spec, env)).toList();
    }

    /** Provisions every topic; returns how many were created. */
    public int provisionAll() {
        return provision(specs);
    }

    /** Provisions the named topics; returns how many were created. */
    public int provision(Collection<String> names) {
        return provision(
                specs.stream().filter(spec -> names.contains(spec.name())).toList());
    }

    private int provision(List<TopicSpec> wanted) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            Map<ConfigResource, Collection<AlterConfigOp>> updates = new HashMap<>();
            for (TopicSpec spec : wanted) {
                if (existing.contains(spec.name())) {
                    updates.put(
                            new ConfigResource(ConfigResource.Type.TOPIC, spec.name()),
                            spec.configs().entrySet().stream()
                                    .map(e -> new AlterConfigOp(
                                            new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                                    .toList());
                } else {
                    missing.add(new NewTopic(spec.name(), spec.singlePartition() ? 1 : partitions, replicationFactor)
                            .configs(spec.configs()));
                }
            }
            admin.createTopics(missing).all().get();
            if (!updates.isEmpty()) {
                admin.incrementalAlterConfigs(updates).all().get();
            }
            return missing.size();
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Cannot provision callstream's topics: " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while provisioning callstream's topics", e);
        }
    }

    private static TopicSpec overridden(TopicSpec spec, Map<String, String> env) {
        String variable = "CALLSTREAM_RETENTION_"
                + spec.name().toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_DAYS";
        String days = env.get(variable);
        if (days == null || days.isBlank()) {
            return spec;
        }
        try {
            return spec.withRetention(Duration.ofDays(Long.parseLong(days.trim())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " must be a number of days: " + days, e);
        }
    }
}
