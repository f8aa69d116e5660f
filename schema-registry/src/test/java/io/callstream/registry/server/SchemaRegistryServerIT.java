package io.callstream.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callstream.kafka.embedded.EmbeddedKafkaBroker;
import io.callstream.registry.client.CompatibilityLevel;
import io.callstream.registry.client.RegistryClientConfig;
import io.callstream.registry.client.RestSchemaRegistryClient;
import io.callstream.registry.client.SchemaMetadata;
import io.callstream.registry.server.SchemaRegistryServer.SchemaRegistryConfig;
import io.callstream.schema.Call;
import io.callstream.schema.CallEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry server over HTTP, storing in a real Kafka broker. */
class SchemaRegistryServerIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static EmbeddedKafkaBroker broker;

    SchemaRegistryConfig config;
    SchemaRegistryServer server;
    RestSchemaRegistryClient client;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startTemporary();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void startRegistry() throws Exception {
        config = new SchemaRegistryConfig(
                broker.bootstrapServers(),
                "_schemas-" + UUID.randomUUID(),
                (short) 1,
                "127.0.0.1",
                0,
                CompatibilityLevel.BACKWARD,
                java.time.Duration.ofSeconds(30),
                null);
        server = SchemaRegistryServer.start(config);
        client = new RestSchemaRegistryClient(RegistryClientConfig.of(server.url()));
    }

    @AfterEach
    void stopRegistry() {
        server.close();
    }

    @Test
    void shouldServeRegisteredSchemasBySubjectVersionAndId() throws Exception {
        int id = client.register("call-events-value", CallEvent.getClassSchema());

        assertThat(client.getById(id)).isEqualTo(CallEvent.getClassSchema());
        assertThat(client.getLatest("call-events-value"))
                .isEqualTo(new SchemaMetadata(
                        "call-events-value", 1, id, CallEvent.getClassSchema().toString()));
        assertThat(client.lookup("call-events-value", CallEvent.getClassSchema())
                        .id())
                .isEqualTo(id);
        assertThat(client.subjects()).containsExactly("call-events-value");
        assertThat(get("/subjects/call-events-value/versions/1/schema").body())
                .isEqualTo(JSON.readTree(CallEvent.getClassSchema().toString()));
        assertThat(get("/schemas/ids/" + id + "/versions").body().toString())
                .isEqualTo("[{\"subject\":\"call-events-value\",\"version\":1}]");
    }

    @Test
    void shouldLetOnlyTheNewestInstanceOnATopicIssueIds() throws Exception {
        int first = client.register("call-events-value", CallEvent.getClassSchema());
        try (SchemaRegistryServer second = SchemaRegistryServer.start(config)) {
            RestSchemaRegistryClient newest = new RestSchemaRegistryClient(RegistryClientConfig.of(second.url()));
            RestSchemaRegistryClient fenced = new RestSchemaRegistryClient(RegistryClientConfig.from(
                    java.util.Map.of(RegistryClientConfig.URL, server.url(), RegistryClientConfig.MAX_RETRIES, 0)));

            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> fenced.register("calls-value", Call.getClassSchema()))
                    .isInstanceOf(io.callstream.registry.client.RegistryException.class)
                    .hasMessageContaining("fenced");
            int next = newest.register("calls-value", Call.getClassSchema());

            assertThat(next).isEqualTo(first + 1);
            assertThat(newest.getById(first)).isEqualTo(CallEvent.getClassSchema());
            assertThat(fenced.getById(first)).isEqualTo(CallEvent.getClassSchema());
        }
    }

    @Test
    void shouldAcceptDeletesAndConfigChangesOnlyWithTheAdminCredentialsWhenSet() throws Exception {
        SchemaRegistryConfig guarded = new SchemaRegistryConfig(
                config.bootstrapServers(),
                config.topic() + "-guarded",
                (short) 1,
                "127.0.0.1",
                0,
                CompatibilityLevel.BACKWARD,
                java.time.Duration.ofSeconds(30),
                "admin:registry-admin-secret");
        try (SchemaRegistryServer admin = SchemaRegistryServer.start(guarded)) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.URI uri = java.net.URI.create(admin.url() + "/config");
            String body = "{\"compatibility\":\"FULL\"}";
            java.net.http.HttpResponse<String> anonymous = http.send(
                    java.net.http.HttpRequest.newBuilder(uri)
                            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            java.net.http.HttpResponse<String> authorized = http.send(
                    java.net.http.HttpRequest.newBuilder(uri)
                            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                            .header(
                                    "Authorization",
                                    "Basic "
                                            + java.util.Base64.getEncoder()
                                                    .encodeToString("admin:registry-admin-secret".getBytes()))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());

            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).contains("\"error_code\":40101");
            assertThat(authorized.statusCode()).isEqualTo(200);
            // Registering stays open: serializers register their schemas.
            assertThat(new RestSchemaRegistryClient(RegistryClientConfig.of(admin.url()))
                            .register("calls-value", Call.getClassSchema()))
                    .isPositive();
        }
    }

    @Test
    void shouldAnswerConfluentErrorBodies() throws Exception {
        client.register("calls-value", Call.getClassSchema());

        assertError(get("/subjects/nope/versions/1"), 404, 40401);
        assertError(get("/subjects/calls-value/versions/9"), 404, 40402);
        assertError(get("/schemas/ids/999"), 404, 40403);
        assertError(get("/subjects/calls-value/versions/zero"), 422, 42202);
        assertError(
                send("POST", "/subjects/calls-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"nope\\\"}\"}"),
                422,
                42201);
        assertError(send("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
        assertError(get("/config/calls-value"), 404, 40408);
        assertError(
                send(
                        "POST",
                        "/subjects/calls-value/versions",
                        schemaBody("{\"type\":\"record\",\"name\":\"Call\",\"namespace\":\"io.callstream.schema\","
                                + "\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}")),
                409,
                409);
        assertThat(get("/subjects/nope/versions/1").contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    }

    @Test
    void shouldHonourModesAndImportAtGivenIdsAndFilterListings() throws Exception {
        String longSchema = schemaBody("\"long\"");
        assertThat(get("/mode").body().get("mode").asText()).isEqualTo("READWRITE");
        assertError(get("/mode/ro-value"), 404, 40409);

        assertThat(send("PUT", "/mode/ro-value", "{\"mode\":\"READONLY\"}")
                        .body()
                        .get("mode")
                        .asText())
                .isEqualTo("READONLY");
        assertError(send("POST", "/subjects/ro-value/versions", longSchema), 422, 42205);
        assertThat(send("DELETE", "/mode/ro-value", null).body().get("mode").asText())
                .isEqualTo("READONLY");
        assertThat(send("POST", "/subjects/ro-value/versions", longSchema).status())
                .isEqualTo(200);
        assertError(send("PUT", "/mode/ro-value", "{\"mode\":\"SIDEWAYS\"}"), 422, 42204);

        // a registration at a given id: refused unless the subject is in IMPORT mode
        String imported = "{\"schema\":\"\\\"bytes\\\"\",\"id\":5000,\"version\":7}";
        assertError(send("POST", "/subjects/imp-value/versions", imported), 422, 42205);
        send("PUT", "/mode/imp-value", "{\"mode\":\"IMPORT\"}");
        JsonNode answer = send("POST", "/subjects/imp-value/versions", imported).body();
        assertThat(answer.get("id").asInt()).isEqualTo(5000);
        assertThat(answer.get("version").asInt()).isEqualTo(7);
        assertThat(get("/schemas/ids/5000").body().get("schema").asText()).isEqualTo("\"bytes\"");

        assertThat(get("/subjects?subjectPrefix=imp").body().toString()).isEqualTo("[\"imp-value\"]");
        JsonNode schemas = get("/schemas?subjectPrefix=imp").body();
        assertThat(schemas).hasSize(1);
        assertThat(schemas.get(0).get("id").asInt()).isEqualTo(5000);
        assertThat(get("/contexts").body().toString()).isEqualTo("[\".\"]");
        assertThat(get("/subjects?subjectPrefix=&offset=1&limit=1").body()).hasSize(1);

        // a rule set is stored, returned, and with another one the same schema is another version
        String rules =
                "{\"schema\":\"\\\"int\\\"\",\"ruleSet\":{\"domainRules\":[{\"name\":\"r1\",\"kind\":\"CONDITION\","
                        + "\"mode\":\"WRITE\",\"type\":\"CEL\",\"expr\":\"message > 0\"}]}}";
        JsonNode first = send("POST", "/subjects/rules-value/versions", rules).body();
        assertThat(first.get("ruleSet").get("domainRules").get(0).get("name").asText())
                .isEqualTo("r1");
        assertThat(get("/subjects/rules-value/versions/1").body().get("ruleSet"))
                .isEqualTo(first.get("ruleSet"));
        JsonNode other = send("POST", "/subjects/rules-value/versions", rules.replace("r1", "r2"))
                .body();
        assertThat(other.get("version").asInt()).isEqualTo(2);
        assertThat(other.get("id").asInt()).isNotEqualTo(first.get("id").asInt());
    }

    @Test
    void shouldResolveSchemaReferencesAndKeepReferencedSchemas() throws Exception {
        String address = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"cf.ref\","
                + "\"fields\":[{\"name\":\"city\",\"type\":\"string\"}]}";
        assertThat(send("POST", "/subjects/address-value/versions", schemaBody(address))
                        .status())
                .isEqualTo(200);
        String person = "{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"cf.ref\","
                + "\"fields\":[{\"name\":\"home\",\"type\":\"cf.ref.Address\"}]}";
        String body = JSON.writeValueAsString(java.util.Map.of(
                "schema",
                person,
                "references",
                List.of(java.util.Map.of("name", "cf.ref.Address", "subject", "address-value", "version", 1))));
        Response registered = send("POST", "/subjects/person-value/versions", body);
        assertThat(registered.status()).as(registered.body().toString()).isEqualTo(200);
        int id = registered.body().get("id").asInt();

        String guid = registered.body().get("guid").asText();
        assertThat(java.util.UUID.fromString(guid)).isNotNull();
        assertThat(get("/schemas/guids/" + guid).body().get("schema").asText()).isEqualTo(person);
        assertThat(get("/subjects/person-value/versions/1").body().get("guid").asText())
                .isEqualTo(guid);
        assertError(get("/schemas/guids/" + java.util.UUID.randomUUID()), 404, 40403);
        JsonNode byId = get("/schemas/ids/" + id).body();
        assertThat(byId.get("schema").asText()).isEqualTo(person);
        assertThat(byId.get("references").get(0).get("subject").asText()).isEqualTo("address-value");
        assertThat(send("POST", "/subjects/person-value", body).body().get("id").asInt())
                .isEqualTo(id);
        // the same schema laid out differently is the same schema
        String spaced = body.replace("\\\"fields\\\":", "\\\"fields\\\" :  ");
        assertThat(spaced).isNotEqualTo(body);
        assertThat(send("POST", "/subjects/person-value", spaced)
                        .body()
                        .get("id")
                        .asInt())
                .isEqualTo(id);
        assertThat(get("/subjects/address-value/versions/1/referencedby").body().toString())
                .isEqualTo("[" + id + "]");
        assertError(send("DELETE", "/subjects/address-value/versions/1", null), 422, 42206);
        // a compatible evolution of the referencing schema is checked with the referenced types
        String person2 = person.replace("]}", ",{\"name\":\"nick\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
        assertThat(send(
                                "POST",
                                "/subjects/person-value/versions",
                                body.replace(
                                        JSON.writeValueAsString(person).replaceAll("^\"|\"$", ""),
                                        JSON.writeValueAsString(person2).replaceAll("^\"|\"$", "")))
                        .body()
                        .get("version")
                        .asInt())
                .isEqualTo(2);
        // without its reference the schema cannot be read
        assertError(send("POST", "/subjects/orphan-value/versions", schemaBody(person)), 422, 42201);
    }

    @Test
    void shouldCheckCompatibilityAtTheConfiguredLevel() throws Exception {
        Schema v1 = Schema.createRecord(
                "R", null, "t", false, List.of(new Schema.Field("a", Schema.create(Schema.Type.STRING))));
        Schema v2 = Schema.createRecord(
                "R",
                null,
                "t",
                false,
                List.of(
                        new Schema.Field("a", Schema.create(Schema.Type.STRING)),
                        new Schema.Field("b", Schema.create(Schema.Type.INT))));
        client.register("r-value", v1);

        assertThat(client.isCompatible("r-value", v2)).isFalse();
        client.setCompatibility("r-value", CompatibilityLevel.FORWARD);
        assertThat(client.getCompatibility("r-value")).isEqualTo(CompatibilityLevel.FORWARD);
        assertThat(client.isCompatible("r-value", v2)).isTrue();
        JsonNode verbose = send(
                        "POST", "/compatibility/subjects/r-value/versions/1?verbose=true", schemaBody(v1.toString()))
                .body();
        assertThat(verbose.get("is_compatible").asBoolean()).isTrue();
        assertThat(verbose.get("messages")).isEmpty();
    }

    @Test
    void shouldKeepSubjectsVersionsIdsAndConfigAcrossRestarts(@TempDir Path kafkaData) throws Exception {
        try (EmbeddedKafkaBroker persistent =
                EmbeddedKafkaBroker.builder().dataDirectory(kafkaData).build().start()) {
            SchemaRegistryConfig persistentConfig = SchemaRegistryConfig.embedded(persistent.bootstrapServers());
            int eventsId;
            int callsId;
            try (SchemaRegistryServer first = SchemaRegistryServer.start(persistentConfig)) {
                var firstClient = new RestSchemaRegistryClient(RegistryClientConfig.of(first.url()));
                eventsId = firstClient.register("call-events-value", CallEvent.getClassSchema());
                callsId = firstClient.register("calls-value", Call.getClassSchema());
                firstClient.register("gone-value", Schema.create(Schema.Type.STRING));
                firstClient.deleteSubject("gone-value", false);
                firstClient.setCompatibility(null, CompatibilityLevel.FULL);
                // metadata and normalize, as current Confluent clients send them
                assertThat(post(
                                        first.url(),
                                        "/subjects/meta-value/versions",
                                        "{\"schema\":\"\\\"string\\\"\",\"metadata\":{\"properties\":{\"owner\":\"ops\",\"a\":\"1\"}}}")
                                .get("version")
                                .asInt())
                        .isEqualTo(1);
                post(first.url(), "/config/meta-value", "{\"compatibility\":\"NONE\",\"normalize\":true}", "PUT");
                post(first.url(), "/mode/meta-value", "{\"mode\":\"READONLY\"}", "PUT");
                // a schema referencing another, and a rule set
                post(
                        first.url(),
                        "/subjects/base-value/versions",
                        "{\"schema\":\"{\\\"type\\\":\\\"fixed\\\",\\\"name\\\":\\\"r.Id\\\",\\\"size\\\":4}\"}");
                post(
                        first.url(),
                        "/subjects/uses-value/versions",
                        "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"r.U\\\",\\\"fields\\\":[{\\\"name\\\":"
                                + "\\\"id\\\",\\\"type\\\":\\\"r.Id\\\"}]}\",\"references\":[{\"name\":\"r.Id\",\"subject\":\"base-value\","
                                + "\"version\":1}],\"ruleSet\":{\"domainRules\":[{\"name\":\"k\",\"kind\":\"CONDITION\"}]}}");
            }
            persistent.stop();
            persistent.start();

            try (SchemaRegistryServer second = SchemaRegistryServer.start(persistentConfig)) {
                var secondClient = new RestSchemaRegistryClient(RegistryClientConfig.of(second.url()));

                assertThat(secondClient.subjects())
                        .containsExactly("base-value", "call-events-value", "calls-value", "meta-value", "uses-value");
                JsonNode uses = JSON.readTree(HTTP.send(
                                HttpRequest.newBuilder(URI.create(second.url() + "/subjects/uses-value/versions/1"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                assertThat(uses.get("references").get(0).get("subject").asText())
                        .isEqualTo("base-value");
                assertThat(uses.get("ruleSet")
                                .get("domainRules")
                                .get(0)
                                .get("name")
                                .asText())
                        .isEqualTo("k");
                assertThat(HTTP.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(second.url() + "/subjects/base-value/versions/1"))
                                                .DELETE()
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                        .as("still referenced after the restart")
                        .isEqualTo(422);
                assertThat(secondClient.getLatest("call-events-value").id()).isEqualTo(eventsId);
                assertThat(secondClient.getById(callsId)).isEqualTo(Call.getClassSchema());
                assertThat(secondClient.getCompatibility(null)).isEqualTo(CompatibilityLevel.FULL);
                assertThat(secondClient.register("new-value", Schema.create(Schema.Type.LONG)))
                        .isGreaterThan(Math.max(eventsId, callsId) + 1);
                JsonNode meta = JSON.readTree(HTTP.send(
                                HttpRequest.newBuilder(URI.create(second.url() + "/subjects/meta-value/versions/1"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                // the same metadata whatever its key order: it is kept canonical
                assertThat(meta.get("metadata").toString())
                        .isEqualTo("{\"properties\":{\"a\":\"1\",\"owner\":\"ops\"}}");
                assertThat(JSON.readTree(HTTP.send(
                                                HttpRequest.newBuilder(URI.create(second.url() + "/config/meta-value"))
                                                        .build(),
                                                HttpResponse.BodyHandlers.ofString())
                                        .body())
                                .toString())
                        .isEqualTo("{\"compatibilityLevel\":\"NONE\",\"normalize\":true}");
                assertThat(JSON.readTree(HTTP.send(
                                                HttpRequest.newBuilder(URI.create(second.url() + "/mode/meta-value"))
                                                        .build(),
                                                HttpResponse.BodyHandlers.ofString())
                                        .body())
                                .toString())
                        .isEqualTo("{\"mode\":\"READONLY\"}");
                // a lookup with the metadata in the other key order finds the version
                assertThat(post(
                                        second.url(),
                                        "/subjects/meta-value",
                                        "{\"schema\":\"\\\"string\\\"\",\"metadata\":{\"properties\":{\"a\":\"1\",\"owner\":\"ops\"}}}")
                                .get("version")
                                .asInt())
                        .isEqualTo(1);
            }
        }
    }

    private static JsonNode post(String base, String path, String body) throws Exception {
        return post(base, path, body, "POST");
    }

    private static JsonNode post(String base, String path, String body, String method) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private Response get(String path) throws Exception {
        return send("GET", path, null);
    }

    private Response send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(
                response.statusCode(),
                JSON.readTree(response.body()),
                response.headers().firstValue("Content-Type").orElse(""));
    }

    private static String schemaBody(String schema) throws Exception {
        return JSON.writeValueAsString(java.util.Map.of("schema", schema));
    }

    private static void assertError(Response response, int status, int code) {
        assertThat(response.status()).as(response.body().toString()).isEqualTo(status);
        assertThat(response.body().get("error_code").asInt()).isEqualTo(code);
        assertThat(response.body().get("message").asText()).isNotBlank();
    }

    private record Response(int status, JsonNode body, String contentType) {}
}
