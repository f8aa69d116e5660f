// Conformance driver: @kafkajs/confluent-schema-registry, a client written by others, against
// callstream's registry. Usage:
//   node conformance.js <registryUrl> encode <subject> <schemaJson> <payloadJson>  -> {"id":…,"hex":"…"}
//   node conformance.js <registryUrl> decode <hex>                                -> decoded payload as JSON
'use strict';
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');

function toJson(value) {
  return JSON.stringify(value, (key, v) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && v.type === 'Buffer' && Array.isArray(v.data)) return Buffer.from(v.data).toString('hex');
    if (Buffer.isBuffer(v)) return v.toString('hex');
    return v;
  });
}

async function main() {
  const [url, mode, ...args] = process.argv.slice(2);
  const registry = new SchemaRegistry({ host: url });
  if (mode === 'encode') {
    const [subject, schema, payload] = args;
    const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject });
    const bytes = await registry.encode(id, JSON.parse(payload));
    process.stdout.write(toJson({ id, hex: bytes.toString('hex') }));
  } else if (mode === 'decode') {
    const decoded = await registry.decode(Buffer.from(args[0], 'hex'));
    process.stdout.write(toJson(decoded));
  } else {
    throw new Error('unknown mode ' + mode);
  }
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + '\n');
  process.exit(1);
});
