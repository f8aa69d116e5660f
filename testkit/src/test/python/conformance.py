"""Conformance driver: Confluent's Python SchemaRegistryClient (python3-confluent-kafka), a client
written by others, against callstream's registry. Decodes a wire-format payload written by
callstream's serializer with python3-avro, after the 5-byte header.

Usage: conformance.py <registryUrl> <payloadFile>; prints one JSON object with what it observed.
"""
import io
import json
import struct
import sys

import avro.io
import avro.schema
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

V1 = json.dumps({"type": "record", "name": "Probe", "namespace": "py.conformance",
                 "fields": [{"name": "a", "type": "string"}]})
V2_COMPATIBLE = json.dumps({"type": "record", "name": "Probe", "namespace": "py.conformance",
                            "fields": [{"name": "a", "type": "string"},
                                       {"name": "b", "type": "int", "default": 0}]})
V2_INCOMPATIBLE = json.dumps({"type": "record", "name": "Probe", "namespace": "py.conformance",
                              "fields": [{"name": "a", "type": "string"}, {"name": "b", "type": "int"}]})


def plain(value):
    """JSON-friendly form of what python3-avro decoded (Decimal, datetime, bytes)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def main(url, payload_file):
    client = SchemaRegistryClient({"url": url})
    subject = "py-conformance-value"
    result = {}
    result["registered_id"] = client.register_schema(subject, Schema(V1, "AVRO"))
    result["registered_again_id"] = client.register_schema(subject, Schema(V1, "AVRO"))
    result["by_id"] = json.loads(client.get_schema(result["registered_id"]).schema_str)
    latest = client.get_latest_version(subject)
    result["latest"] = {"id": latest.schema_id, "version": latest.version, "subject": latest.subject}
    result["compatible"] = client.test_compatibility(subject, Schema(V2_COMPATIBLE, "AVRO"))
    result["incompatible"] = client.test_compatibility(subject, Schema(V2_INCOMPATIBLE, "AVRO"))
    result["v2_id"] = client.register_schema(subject, Schema(V2_COMPATIBLE, "AVRO"))
    result["versions"] = client.get_versions(subject)
    client.set_compatibility(subject_name=subject, level="FULL")
    result["subject_level"] = client.get_compatibility(subject_name=subject)
    result["subjects"] = client.get_subjects()

    with open(payload_file, "rb") as f:
        payload = f.read()
    magic, schema_id = struct.unpack(">bI", payload[:5])
    writer = avro.schema.parse(client.get_schema(schema_id).schema_str)
    decoded = avro.io.DatumReader(writer).read(avro.io.BinaryDecoder(io.BytesIO(payload[5:])))
    result["payload"] = {"magic": magic, "schema_id": schema_id, "record": plain(decoded)}
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
