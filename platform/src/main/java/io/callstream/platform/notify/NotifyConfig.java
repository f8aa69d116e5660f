package io.callstream.platform.notify;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The notifier's configuration file (YAML), e.g.:
 *
 * <pre>
 * dashboard-url: http://127.0.0.1:8088/
 * max-age: 1h                      # older transitions are not news: skipped (default 1h)
 * receivers:
 *   - name: ops-dingtalk
 *     type: dingtalk               # webhook, alertmanager, dingtalk, wecom or feishu
 *     url: https://oapi.dingtalk.com/robot/send?access_token=...
 *     secret: SEC...               # DingTalk's or Feishu's signing secret (optional)
 *     tenants: [acct-1]            # filters, each optional (empty: all)
 *     vendors: [ucpaas]
 *     severities: [warning]
 * </pre>
 *
 * A value {@code ${NAME}} is read from the environment variable {@code NAME}, so that secrets need
 * not be in the file.
 */
public record NotifyConfig(String dashboardUrl, Duration maxAge, List<Receiver> receivers) {

    public NotifyConfig {
        receivers = List.copyOf(receivers);
        Set<String> names = new HashSet<>();
        for (Receiver receiver : receivers) {
            if (!names.add(receiver.name())) {
                throw new IllegalArgumentException("two receivers are named " + receiver.name());
            }
        }
    }

    public static NotifyConfig read(Path file, Map<String, String> environment) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            if (!(document instanceof Map<?, ?> root)) {
                throw new IllegalArgumentException(file + ": expected a mapping with receivers");
            }
            return parse(root, environment);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    static NotifyConfig parse(Map<?, ?> root, Map<String, String> environment) {
        String dashboard = string(root.get("dashboard-url"), environment, "http://127.0.0.1:8088/");
        Duration maxAge = duration(string(root.get("max-age"), environment, "1h"));
        List<Receiver> receivers = new ArrayList<>();
        Object list = root.get("receivers");
        if (!(list instanceof List<?> entries) || entries.isEmpty()) {
            throw new IllegalArgumentException("no receivers");
        }
        for (Object entry : entries) {
            Map<?, ?> receiver = (Map<?, ?>) entry;
            receivers.add(new Receiver(
                    string(receiver.get("name"), environment, null),
                    Receiver.Format.parse(string(receiver.get("type"), environment, "webhook")),
                    URI.create(string(receiver.get("url"), environment, "")),
                    string(receiver.get("secret"), environment, null),
                    strings(receiver.get("tenants")),
                    strings(receiver.get("vendors")),
                    strings(receiver.get("severities"))));
        }
        return new NotifyConfig(dashboard, maxAge, receivers);
    }

    private static String string(Object value, Map<String, String> environment, String fallback) {
        if (value == null) {
            return fallback;
        }
        String text = value.toString().trim();
        if (text.startsWith("${") && text.endsWith("}")) {
            String name = text.substring(2, text.length() - 1);
            String resolved = environment.get(name);
            if (resolved == null) {
                throw new IllegalArgumentException("environment variable " + name + " is not set");
            }
            return resolved;
        }
        return text;
    }

    private static Set<String> strings(Object value) {
        if (value == null) {
            return Set.of();
        }
        Set<String> values = new LinkedHashSet<>();
        for (Object item : (List<?>) value) {
            values.add(item.toString());
        }
        return values;
    }

    static Duration duration(String text) {
        String value = text.trim();
        long amount = Long.parseLong(value.replaceAll("[a-z]+$", ""));
        return switch (value.replaceAll("^[0-9]+", "")) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("duration " + text + ": use e.g. 90s, 30m, 1h or 2d");
        };
    }
}
