package io.callstream.registry.core;

import io.callstream.registry.client.CachingSchemaRegistryClient;
import io.callstream.registry.client.RegistryClientConfig;
import io.callstream.registry.client.RestSchemaRegistryClient;
import io.callstream.registry.client.SchemaRegistryClient;
import java.net.URI;
import java.util.Map;

/** Creates the registry client a configuration asks for: REST over HTTP(S), or {@code mock://scope}. */
public final class SchemaRegistryClients {

    private SchemaRegistryClients() {}

    /** A caching client for {@code schema.registry.url} and the other client settings in {@code configs}. */
    public static SchemaRegistryClient create(Map<String, ?> configs) {
        RegistryClientConfig config = RegistryClientConfig.from(configs);
        URI first = config.urls().getFirst();
        if ("mock".equals(first.getScheme())) {
            return InMemorySchemaRegistryClient.forScope(
                    first.getSchemeSpecificPart().replaceFirst("^//", ""));
        }
        return new CachingSchemaRegistryClient(new RestSchemaRegistryClient(config), config.latestCacheTtl());
    }
}
