package io.callstream.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.callstream.registry.client.CompatibilityLevel;
import io.callstream.registry.client.RegistryException;
import io.callstream.registry.client.SchemaMetadata;
import io.callstream.registry.core.RegistryState;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confluent's schema registry REST API over {@link RegistryState}: the request and response bodies,
 * status codes and error bodies ({@code {"error_code":…,"message":…}}) its clients expect.
 */
final class RegistryHttpHandler implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(RegistryHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final RegistryState state;

    /** {@code user:password} that DELETE and PUT need (HTTP basic); null: only loopback peers may. */
    private final byte[] adminCredentials;

    RegistryHttpHandler(RegistryState state, String adminCredentials) {
        this.state = state;
        this.adminCredentials = adminCredentials == null
                ? null
                : ("Basic "
                                + java.util.Base64.getEncoder()
                                        .encodeToString(
                                                adminCredentials.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Whether a request may change configuration or delete: registering a schema (POST) is open,
     * as serializers need it; DELETE and PUT (config, mode) are the operator's.
     */
    private void checkAdmin(Request request) {
        if (!request.method().equals("DELETE") && !request.method().equals("PUT")) {
            return;
        }
        if (adminCredentials != null) {
            String presented = request.exchange().getRequestHeaders().getFirst("Authorization");
            if (presented == null
                    || !java.security.MessageDigest.isEqual(
                            adminCredentials, presented.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                throw new BadRequest(401, 40101, "Unauthorized: DELETE and PUT need the registry's admin credentials");
            }
        } else if (!request.exchange().getRemoteAddress().getAddress().isLoopbackAddress()) {
            throw new BadRequest(
                    403,
                    40301,
                    "Forbidden: DELETE and PUT are accepted from this machine only (or set admin credentials)");
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Request request = Request.of(exchange);
            int status = 200;
            Object body;
            try {
                checkAdmin(request);
                body = route(request);
            } catch (RegistryException e) {
                status = e.httpStatus();
                body = error(e.errorCode(), messageOf(e));
            } catch (BadRequest e) {
                status = e.status;
                body = error(e.errorCode, e.getMessage());
            } catch (RuntimeException | LinkageError e) {
                // Answer rather than drop the connection, which clients report as a network failure.
                log.error("{} {} failed", request.method(), exchange.getRequestURI(), e);
                status = 500;
                body = error(50001, "Error in the backend data store: " + e.getMessage());
            }
            byte[] bytes = JSON.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private Object route(Request request) throws IOException {
        List<String> path = request.path();
        String method = request.method();
        String first = path.isEmpty() ? "" : path.getFirst();
        return switch (first) {
            case "" -> Map.of();
            case "subjects" -> subjects(request, path, method);
            case "schemas" -> schemas(request, path);
            case "config" -> config(request, path, method);
            case "compatibility" -> compatibility(request, path);
            case "mode" -> mode(request, path, method);
            case "contexts" -> List.of(".");
            default -> throw notFound();
        };
    }

    private Object subjects(Request request, List<String> path, String method) throws IOException {
        boolean deleted = request.flag("deleted");
        boolean permanent = request.flag("permanent");
        return switch (path.size() + " " + method) {
            case "1 GET" ->
                request.page(state.subjects(deleted).stream()
                        .filter(subject -> subject.startsWith(request.query().getOrDefault("subjectPrefix", "")))
                        .toList());
            case "2 POST" ->
                metadata(
                        state.lookup(path.get(1), request.schema(), request.metadata(), request.references(), deleted));
            case "2 DELETE" -> state.deleteSubject(path.get(1), permanent);
            case "3 GET" ->
                versionsOnly(path)
                        ? state.versions(path.get(1), deleted)
                        : path.get(2).equals("metadata")
                                ? metadata(state.latestMatching(path.get(1), request.metadataFilter(), deleted))
                                : throwNotFound();
            case "3 POST" ->
                versionsOnly(path)
                        ? registered(state.registerVersion(
                                path.get(1),
                                request.schema(),
                                request.metadata(),
                                request.references(),
                                request.integer("id"),
                                request.integer("version")))
                        : throwNotFound();
            case "4 GET" ->
                versionsOnly(path) ? metadata(state.version(path.get(1), path.get(3), deleted)) : throwNotFound();
            case "4 DELETE" ->
                versionsOnly(path) ? state.deleteVersion(path.get(1), path.get(3), permanent) : throwNotFound();
            case "5 GET" ->
                versionsOnly(path) && path.get(4).equals("referencedby")
                        ? state.referencedBy(path.get(1), path.get(3))
                        : versionsOnly(path) && path.get(4).equals("schema")
                                ? JSON.readTree(state.version(path.get(1), path.get(3), deleted)
                                        .schema())
                                : throwNotFound();
            default -> throw notFound();
        };
    }

    private Object schemas(Request request, List<String> path) throws IOException {
        if (path.size() == 2 && path.get(1).equals("types")) {
            return List.of("AVRO");
        }
        if (path.size() == 1 && request.method().equals("GET")) {
            return request.page(state
                    .schemas(
                            request.query().getOrDefault("subjectPrefix", ""),
                            request.flag("deleted"),
                            request.flag("latestOnly"))
                    .stream()
                    .map(this::metadata)
                    .toList());
        }
        if (path.size() == 3 && path.get(1).equals("guids") && request.method().equals("GET")) {
            int id = state.ids().stream()
                    .filter(candidate -> guid(candidate).equals(path.get(2)))
                    .findFirst()
                    .orElseThrow(() -> new BadRequest(404, 40403, "Schema " + path.get(2) + " not found"));
            ObjectNode schema = JSON.createObjectNode().put("schema", state.schemaById(id));
            withReferences(schema, state.referencesById(id));
            withMetadata(schema, state.metadataById(id));
            return schema;
        }
        if (path.size() < 3 || !path.get(1).equals("ids") || !request.method().equals("GET")) {
            throw notFound();
        }
        int id = parseId(path.get(2));
        if (path.size() == 3) {
            ObjectNode schema = JSON.createObjectNode().put("schema", state.schemaById(id));
            withReferences(schema, state.referencesById(id));
            withMetadata(schema, state.metadataById(id));
            return schema;
        }
        return switch (path.get(3)) {
            case "schema" -> JSON.readTree(state.schemaById(id));
            case "subjects" ->
                state.usagesOf(id).stream()
                        .map(SchemaMetadata::subject)
                        .distinct()
                        .toList();
            case "versions" ->
                state.usagesOf(id).stream()
                        .map(usage -> JSON.createObjectNode()
                                .put("subject", usage.subject())
                                .put("version", usage.version()))
                        .toList();
            default -> throw notFound();
        };
    }

    private Object config(Request request, List<String> path, String method) throws IOException {
        String subject = path.size() == 2 ? path.get(1) : null;
        if (path.size() > 2) {
            throw notFound();
        }
        return switch (method) {
            case "GET" -> {
                ObjectNode config = JSON.createObjectNode()
                        .put(
                                "compatibilityLevel",
                                (subject == null
                                                ? state.globalLevel()
                                                : state.subjectLevel(subject, request.flag("defaultToGlobal")))
                                        .name());
                Boolean normalize = state.normalize(subject);
                if (normalize == null && subject != null && request.flag("defaultToGlobal")) {
                    normalize = state.normalize(null);
                }
                if (normalize != null) {
                    config.put("normalize", normalize);
                }
                yield config;
            }
            case "PUT" -> {
                JsonNode body = request.json();
                CompatibilityLevel level = body.has("compatibility") ? request.compatibility() : null;
                Boolean normalize = body.hasNonNull("normalize")
                        ? Boolean.valueOf(body.get("normalize").asBoolean())
                        : state.normalize(subject);
                if (level == null && !body.has("normalize")) {
                    throw new BadRequest(422, 42203, "Invalid compatibility level. none given");
                }
                state.setConfig(subject, level, normalize);
                ObjectNode updated = JSON.createObjectNode();
                updated.put(
                        "compatibility",
                        (level != null
                                        ? level
                                        : subject == null ? state.globalLevel() : state.subjectLevel(subject, true))
                                .name());
                if (body.hasNonNull("normalize")) {
                    updated.put("normalize", normalize);
                }
                yield updated;
            }
            case "DELETE" -> {
                if (subject == null) {
                    throw notFound();
                }
                yield Map.of(
                        "compatibilityLevel", state.deleteSubjectLevel(subject).name());
            }
            default -> throw notFound();
        };
    }

    /** {@code /mode} and {@code /mode/{subject}}: READWRITE, READONLY or IMPORT. */
    private Object mode(Request request, List<String> path, String method) throws IOException {
        String subject = path.size() == 2 ? path.get(1) : null;
        if (path.size() > 2) {
            throw notFound();
        }
        return switch (method) {
            case "GET" -> {
                String mode = state.mode(subject, subject == null || request.flag("defaultToGlobal"));
                if (mode == null) {
                    throw new BadRequest(
                            404,
                            io.callstream.registry.client.RegistryException.SUBJECT_MODE_NOT_CONFIGURED,
                            "Subject '" + subject + "' does not have subject-level mode configured");
                }
                yield Map.of("mode", mode);
            }
            case "PUT" -> {
                JsonNode mode = request.json().get("mode");
                if (mode == null || !mode.isTextual()) {
                    throw new BadRequest(422, 42204, "Request body must be {\"mode\": \"READWRITE|READONLY|IMPORT\"}");
                }
                String value = mode.asText().toUpperCase(java.util.Locale.ROOT);
                state.setMode(subject, value);
                yield Map.of("mode", value);
            }
            case "DELETE" -> {
                if (subject == null) {
                    throw notFound();
                }
                String before = state.mode(subject, true);
                state.setMode(subject, null);
                yield Map.of("mode", before);
            }
            default -> throw notFound();
        };
    }

    private Object compatibility(Request request, List<String> path) throws IOException {
        boolean all = path.size() == 4;
        boolean one = path.size() == 5;
        if (!request.method().equals("POST")
                || !(all || one)
                || !path.get(1).equals("subjects")
                || !path.get(3).equals("versions")) {
            throw notFound();
        }
        List<String> problems =
                state.incompatibilities(path.get(2), request.schema(), request.references(), one ? path.get(4) : null);
        Map<String, Object> answer = new HashMap<>();
        answer.put("is_compatible", problems.isEmpty());
        if (request.flag("verbose")) {
            answer.put("messages", problems);
        }
        return answer;
    }

    private static boolean versionsOnly(List<String> path) {
        return path.get(2).equals("versions");
    }

    private static Object throwNotFound() {
        throw notFound();
    }

    private static BadRequest notFound() {
        return new BadRequest(404, 404, "HTTP 404 Not Found");
    }

    private static int parseId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new BadRequest(404, 40403, "Schema " + text + " not found");
        }
    }

    /** A version as Confluent's API returns it: subject, version, id, schema, and its metadata if any. */
    private ObjectNode metadata(SchemaMetadata metadata) {
        ObjectNode version = JSON.createObjectNode()
                .put("subject", metadata.subject())
                .put("version", metadata.version())
                .put("id", metadata.id())
                .put("guid", guid(metadata.id()))
                .put("schema", metadata.schema());
        withReferences(version, state.referencesOf(metadata.subject(), metadata.version()));
        withMetadata(version, state.metadataOf(metadata.subject(), metadata.version()));
        return version;
    }

    /**
     * A schema's globally unique id (Confluent 8's {@code guid}): derived from its id, which this
     * registry never issues twice, so it is stable across restarts without being stored.
     */
    static String guid(int id) {
        return java.util
                .UUID
                .nameUUIDFromBytes(("callstream-schema:" + id).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private static void withReferences(
            ObjectNode node, List<io.callstream.registry.core.RegistryRecord.Reference> references) {
        if (!references.isEmpty()) {
            var array = node.putArray("references");
            references.forEach(reference -> array.addObject()
                    .put("name", reference.name())
                    .put("subject", reference.subject())
                    .put("version", reference.version()));
        }
    }

    /** The full answer to a registration: id and version (as current clients read them), schema, metadata. */
    private ObjectNode registered(SchemaMetadata metadata) {
        ObjectNode answer = JSON.createObjectNode()
                .put("id", metadata.id())
                .put("guid", guid(metadata.id()))
                .put("version", metadata.version())
                .put("schema", metadata.schema());
        withReferences(answer, state.referencesOf(metadata.subject(), metadata.version()));
        withMetadata(answer, state.metadataOf(metadata.subject(), metadata.version()));
        return answer;
    }

    /** Adds a schema's stored {@code metadata} and {@code ruleSet}, if it has them. */
    private static void withMetadata(ObjectNode node, String extras) {
        if (extras != null) {
            try {
                JsonNode stored = JSON.readTree(extras);
                for (String field : new String[] {"metadata", "ruleSet"}) {
                    if (stored.hasNonNull(field)) {
                        node.set(field, stored.get(field));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("stored metadata is not JSON", e);
            }
        }
    }

    private static Map<String, Object> error(int code, String message) {
        return Map.of("error_code", code, "message", message);
    }

    private static String messageOf(RegistryException e) {
        String message = e.getMessage();
        String suffix = " (error code " + e.errorCode() + ")";
        return message.endsWith(suffix) ? message.substring(0, message.length() - suffix.length()) : message;
    }

    /** A request the API does not define, or a body it cannot use. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final int errorCode;

        BadRequest(int status, int errorCode, String message) {
            super(message);
            this.status = status;
            this.errorCode = errorCode;
        }
    }

    private record Request(
            String method, List<String> path, Map<String, String> query, HttpExchange exchange, JsonNode[] read) {

        static Request of(HttpExchange exchange) {
            String rawPath = exchange.getRequestURI().getRawPath();
            List<String> path = Arrays.stream(rawPath.split("/"))
                    .filter(segment -> !segment.isEmpty())
                    .map(Request::decode)
                    .toList();
            Map<String, String> query = new HashMap<>();
            String rawQuery = exchange.getRequestURI().getRawQuery();
            if (rawQuery != null) {
                for (String pair : rawQuery.split("&")) {
                    int eq = pair.indexOf('=');
                    query.put(
                            decode(eq < 0 ? pair : pair.substring(0, eq)),
                            eq < 0 ? "" : decode(pair.substring(eq + 1)));
                }
            }
            return new Request(
                    exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT),
                    path,
                    query,
                    exchange,
                    new JsonNode[1]);
        }

        boolean flag(String name) {
            return "true".equalsIgnoreCase(query.get(name));
        }

        /** The {@code schema} of a registration-style body; other schema types are refused. */
        String schema() throws IOException {
            JsonNode body = body();
            String type = body.path("schemaType").asText("AVRO");
            if (!type.equalsIgnoreCase("AVRO")) {
                throw new BadRequest(422, 42201, "Unsupported schema type " + type + "; this registry stores AVRO");
            }

            JsonNode schema = body.get("schema");
            if (schema == null || !schema.isTextual()) {
                throw new BadRequest(422, 42201, "Request body must be {\"schema\": \"<Avro schema as a string>\"}");
            }
            return schema.asText();
        }

        /**
         * The body's {@code metadata} and {@code ruleSet}, what identifies a schema besides its text, as
         * one canonical JSON object (keys sorted); null when it has neither.
         */
        String metadata() throws IOException {
            JsonNode metadata = body().get("metadata");
            JsonNode ruleSet = body().get("ruleSet");
            for (JsonNode part : new JsonNode[] {metadata, ruleSet}) {
                if (part != null && !part.isNull() && !part.isObject()) {
                    throw new BadRequest(422, 42201, "metadata and ruleSet must be objects");
                }
            }
            return KafkaSchemaJournal.extras(metadata, ruleSet);
        }

        /**
         * The {@code key}/{@code value} pairs of {@code GET /subjects/{s}/metadata}: a version matches
         * when its metadata properties hold every pair.
         */
        java.util.function.Predicate<String> metadataFilter() {
            List<String> keys = new java.util.ArrayList<>();
            List<String> values = new java.util.ArrayList<>();
            String rawQuery = exchange.getRequestURI().getRawQuery();
            for (String pair : rawQuery == null ? new String[0] : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (name.equals("key")) {
                    keys.add(value);
                } else if (name.equals("value")) {
                    values.add(value);
                }
            }
            if (keys.size() != values.size()) {
                throw new BadRequest(422, 42201, "every key needs a value");
            }
            return metadata -> {
                try {
                    JsonNode properties =
                            JSON.readTree(metadata).path("metadata").path("properties");
                    for (int i = 0; i < keys.size(); i++) {
                        if (!values.get(i).equals(properties.path(keys.get(i)).asText(null))) {
                            return false;
                        }
                    }
                    return true;
                } catch (IOException e) {
                    return false;
                }
            };
        }

        /** The body's {@code references}: name, subject and version each. */
        List<io.callstream.registry.core.RegistryRecord.Reference> references() throws IOException {
            JsonNode references = body().get("references");
            if (references == null || references.isNull()) {
                return List.of();
            }
            if (!references.isArray()) {
                throw new BadRequest(422, 42201, "references must be an array");
            }
            for (JsonNode reference : references) {
                if (!reference.path("name").isTextual()
                        || !reference.path("subject").isTextual()
                        || !reference.path("version").canConvertToInt()) {
                    throw new BadRequest(422, 42201, "each reference needs a name, a subject and a version");
                }
            }
            return KafkaSchemaJournal.references(references);
        }

        JsonNode json() throws IOException {
            return body();
        }

        /** The {@code offset} / {@code limit} page of a listing (limit -1 or absent: all). */
        <T> List<T> page(List<T> all) {
            int offset = Math.max(0, number("offset", 0));
            int limit = number("limit", -1);
            List<T> rest = all.subList(Math.min(offset, all.size()), all.size());
            return limit < 0 ? rest : rest.subList(0, Math.min(limit, rest.size()));
        }

        private int number(String name, int fallback) {
            String value = query.get(name);
            if (value == null || value.isBlank()) {
                return fallback;
            }
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new BadRequest(422, 42201, name + " must be an integer, not " + value);
            }
        }

        /** An integer field of the body, or null (e.g. the id and version of an IMPORT registration). */
        Integer integer(String field) throws IOException {
            JsonNode value = body().get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.canConvertToInt() || value.asInt() < 1) {
                throw new BadRequest(422, 42201, field + " must be a positive integer");
            }
            return value.asInt();
        }

        CompatibilityLevel compatibility() throws IOException {
            JsonNode level = body().get("compatibility");
            try {
                return CompatibilityLevel.parse(level == null ? null : level.asText());
            } catch (IllegalArgumentException e) {
                throw new BadRequest(422, 42203, "Invalid compatibility level. " + e.getMessage());
            }
        }

        private JsonNode body() throws IOException {
            if (read[0] != null) {
                return read[0];
            }
            try (InputStream in = exchange.getRequestBody()) {
                byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
                if (bytes.length > MAX_BODY_BYTES) {
                    throw new BadRequest(413, 413, "Request body larger than " + MAX_BODY_BYTES + " bytes");
                }
                JsonNode node = bytes.length == 0 ? null : JSON.readTree(bytes);
                if (node == null || !node.isObject()) {
                    throw new BadRequest(422, 422, "Request body must be a JSON object");
                }
                read[0] = node;
                return node;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new BadRequest(422, 422, "Unrecognized JSON body: " + e.getOriginalMessage());
            }
        }

        private static String decode(String text) {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        }
    }
}
