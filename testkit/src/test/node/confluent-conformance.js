// Confluent's own current JavaScript client (npm @confluentinc/schemaregistry) against callstream's
// registry: the eight basic scenarios of that client's own integration test
// (dist/e2e/schemaregistry-client.spec.js), each on its own subjects, compared as its test compares
// (deep equality, properties that are undefined ignored, as jest's toEqual does).
// Usage: node confluent-conformance.js <registryUrl> [scenarios]: prints {"passed":[…],"failed":[{name,error}]};
//        … <registryUrl> encode <topic>: Confluent's AvroSerializer's bytes, {"hex":…};
//        … <registryUrl> decode <topic> <hex>: what its AvroDeserializer reads from our bytes.
"use strict";
const assert = require("node:assert/strict");
const { SchemaRegistryClient, Compatibility } = require("@confluentinc/schemaregistry");

const url = process.argv[2];
const run = Date.now().toString(36);
const client = () => new SchemaRegistryClient({ baseURLs: [url], cacheCapacity: 512, cacheLatestTtlSecs: 60 });

const schemaString = JSON.stringify({
  type: "record", name: "User",
  fields: [{ name: "name", type: "string" }, { name: "age", type: "int" }],
});
const metadata = { properties: { owner: "Bob Jones", email: "bob@acme.com" } };
const schemaInfo = { schema: schemaString, metadata };
const backwardCompatibleSchemaString = JSON.stringify({
  type: "record", name: "User",
  fields: [{ name: "name", type: "string" }, { name: "age", type: "int" }, { name: "email", type: "string", default: "" }],
});
const backwardCompatibleMetadata = { properties: { owner: "Bob Jones2", email: "bob@acme.com" } };
const backwardCompatibleSchemaInfo = { schema: backwardCompatibleSchemaString, schemaType: "AVRO", metadata: backwardCompatibleMetadata };

/** jest's toEqual: recursive equality that ignores properties whose value is undefined. */
function toEqual(actual, expected) {
  const plain = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
  assert.deepStrictEqual(plain(actual), plain(expected));
}

const scenarios = {
  "Should return RestError when retrieving non-existent schema": async (sr) => {
    await assert.rejects(sr.getLatestSchemaMetadata(`missing-${run}`));
  },
  "Should register, retrieve, and delete a schema": async (sr) => {
    const subject = `cf-register-${run}`;
    const registered = await sr.registerFullResponse(subject, schemaInfo);
    assert.ok(registered);
    const { id, version } = registered;
    toEqual(await sr.getBySubjectAndId(subject, id), schemaInfo);
    toEqual(await sr.getId(subject, schemaInfo), id);
    toEqual(await sr.deleteSubjectVersion(subject, version), version);
    toEqual(await sr.deleteSubjectVersion(subject, version, true), version);
  },
  "Should get all versions and a specific version of a schema": async (sr) => {
    const subject = `cf-versions-${run}`;
    const registered = await sr.registerFullResponse(subject, schemaInfo);
    toEqual(await sr.getVersion(subject, schemaInfo), registered.version);
    toEqual(await sr.getAllVersions(subject), [registered.version]);
  },
  "Should get schema metadata": async (sr) => {
    const subject = `cf-metadata-${run}`;
    const first = await sr.registerFullResponse(subject, schemaInfo);
    const second = await sr.registerFullResponse(subject, backwardCompatibleSchemaInfo);
    const firstMetadata = { id: first.id, guid: first.guid, version: first.version, schema: schemaInfo.schema, subject, metadata };
    const secondMetadata = {
      id: second.id, guid: second.guid, version: second.version,
      schema: backwardCompatibleSchemaInfo.schema, subject, metadata: backwardCompatibleMetadata,
    };
    toEqual(secondMetadata, await sr.getLatestSchemaMetadata(subject));
    toEqual(firstMetadata, await sr.getSchemaMetadata(subject, first.version));
    toEqual(firstMetadata, await sr.getLatestWithMetadata(subject, { owner: "Bob Jones", email: "bob@acme.com" }));
  },
  "Should test compatibility for a version and subject, getting and updating": async (sr) => {
    const subject = `cf-compatibility-${run}`;
    const registered = await sr.registerFullResponse(subject, schemaInfo);
    toEqual(await sr.updateCompatibility(subject, Compatibility.BACKWARD_TRANSITIVE), Compatibility.BACKWARD_TRANSITIVE);
    toEqual(await sr.getCompatibility(subject), Compatibility.BACKWARD_TRANSITIVE);
    toEqual(await sr.testSubjectCompatibility(subject, backwardCompatibleSchemaInfo), true);
    toEqual(await sr.testCompatibility(subject, registered.version, backwardCompatibleSchemaInfo), true);
  },
  "Should update and get default compatibility": async (sr) => {
    toEqual(await sr.updateDefaultCompatibility(Compatibility.FULL), Compatibility.FULL);
    toEqual(await sr.getDefaultCompatibility(), Compatibility.FULL);
  },
  "Should update and get subject Config": async (sr) => {
    const subject = `cf-config-${run}`;
    await sr.registerFullResponse(subject, schemaInfo);
    assert.ok(await sr.updateConfig(subject, { compatibility: Compatibility.FULL, normalize: true }));
    toEqual(await sr.getConfig(subject), { compatibilityLevel: Compatibility.FULL, normalize: true });
  },
  "Should get and set default Config": async (sr) => {
    assert.ok(await sr.updateDefaultConfig({ compatibility: Compatibility.FULL, normalize: false }));
    toEqual(await sr.getDefaultConfig(), { compatibilityLevel: Compatibility.FULL, normalize: false });
  },
};

/** Beyond the client's own eight: what the issue asks of mode changes and subject deletes. */
const more = {
  "Should refuse a registration in READONLY mode and accept it again in READWRITE": async (sr) => {
    const subject = `cf-mode-${run}`;
    // the client has no mode API: the REST call an operator would make
    const put = (mode) => fetch(`${url}/mode/${subject}`, {
      method: "PUT", headers: { "Content-Type": "application/vnd.schemaregistry.v1+json" }, body: JSON.stringify({ mode }),
    }).then((response) => response.json());
    toEqual(await put("READONLY"), { mode: "READONLY" });
    await assert.rejects(sr.registerFullResponse(subject, schemaInfo), /42205|read-only/);
    toEqual(await put("READWRITE"), { mode: "READWRITE" });
    assert.ok((await sr.registerFullResponse(subject, schemaInfo)).id > 0);
  },
  "Should delete a subject softly, then permanently": async (sr) => {
    const subject = `cf-delete-${run}`;
    const registered = await sr.registerFullResponse(subject, schemaInfo);
    toEqual(await sr.deleteSubject(subject), [registered.version]);
    assert.ok(!(await sr.getAllSubjects()).includes(subject));
    toEqual(await sr.deleteSubject(subject, true), [registered.version]);
    await assert.rejects(sr.getLatestSchemaMetadata(subject));
  },
};

const { AvroSerializer, AvroDeserializer } = require("@confluentinc/schemaregistry");
const { SerdeType } = require("@confluentinc/schemaregistry");

/** A record with the contracts' logical types (timestamp-millis, decimal(18,6)) and a nullable union. */
const PROBE = JSON.stringify({
  type: "record", name: "ConfluentProbe", namespace: "cf.conformance",
  fields: [
    { name: "id", type: "string" },
    { name: "count", type: "long" },
    { name: "at", type: { type: "long", logicalType: "timestamp-millis" } },
    { name: "amount", type: { type: "bytes", logicalType: "decimal", precision: 18, scale: 6 } },
    { name: "note", type: ["null", "string"], default: null },
  ],
});

async function encode(topic) {
  const sr = client();
  await sr.register(`${topic}-value`, { schemaType: "AVRO", schema: PROBE });
  const serializer = new AvroSerializer(sr, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true });
  // 1.500000 as decimal(18,6): the unscaled 1500000, two's-complement big-endian
  const bytes = await serializer.serialize(topic, {
    id: "cf-1", count: 42, at: 1714528800123, amount: Buffer.from([0x16, 0xe3, 0x60]), note: null,
  });
  return { hex: bytes.toString("hex") };
}

async function decode(topic, hex) {
  const deserializer = new AvroDeserializer(client(), SerdeType.VALUE, {});
  const record = await deserializer.deserialize(topic, Buffer.from(hex, "hex"));
  return JSON.parse(JSON.stringify(record, (key, value) =>
    value && value.type === "Buffer" && Array.isArray(value.data) ? Buffer.from(value.data).toString("hex") : value));
}

async function scenariosRun() {
  const admin = client();
  const before = await admin.getDefaultCompatibility();
  const passed = [];
  const failed = [];
  for (const [name, scenario] of Object.entries({ ...scenarios, ...more })) {
    try {
      await scenario(client());
      passed.push(name);
    } catch (error) {
      failed.push({ name, error: String(error && error.message ? error.message : error) });
    }
  }
  // the default level is the registry's, shared with other tests: put it back
  await admin.updateDefaultCompatibility(before);
  return { passed, failed };
}

(async () => {
  const command = process.argv[3] || "scenarios";
  const result = command === "encode" ? await encode(process.argv[4])
    : command === "decode" ? await decode(process.argv[4], process.argv[5])
      : await scenariosRun();
  console.log(JSON.stringify(result));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
