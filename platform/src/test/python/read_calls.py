"""Reads topic calls back as a user's job would: Confluent's Python client (Debian's
python3-confluent-kafka) for the records and the registry, python3-avro to decode each value with the
writer schema its wire-format header names. Prints, as one JSON object keyed "vendor/callId", the
latest version of every call: its version, failure category, talk and billed seconds.

Usage: read_calls.py <bootstrapServers> <registryUrl> <calls expected>; reads until it has that many
calls and the topic has been quiet for three seconds (or two minutes have passed).
"""
import io
import json
import struct
import sys
import time

import avro.io
import avro.schema
from confluent_kafka import Consumer
from confluent_kafka.schema_registry import SchemaRegistryClient


def main(bootstrap, registry_url, expected):
    registry = SchemaRegistryClient({"url": registry_url})
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "py-read-calls-%d" % time.time_ns(),
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "isolation.level": "read_committed",
    })
    consumer.subscribe(["calls"])
    readers = {}
    latest = {}
    deadline = time.time() + 120
    quiet_since = time.time()
    try:
        while time.time() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                if len(latest) >= expected and time.time() - quiet_since > 3:
                    break
                continue
            if message.error():
                raise RuntimeError(str(message.error()))
            quiet_since = time.time()
            value = message.value()
            if value is None:
                continue
            magic, schema_id = struct.unpack(">bI", value[:5])
            if magic != 0:
                raise RuntimeError("not the Confluent wire format: magic byte %d" % magic)
            if schema_id not in readers:
                writer = avro.schema.parse(registry.get_schema(schema_id).schema_str)
                readers[schema_id] = avro.io.DatumReader(writer)
            call = readers[schema_id].read(avro.io.BinaryDecoder(io.BytesIO(value[5:])))
            key = call["vendor"] + "/" + call["callId"]
            if key not in latest or call["version"] >= latest[key]["version"]:
                latest[key] = {
                    "version": call["version"],
                    "failureCategory": call["failureCategory"],
                    "talkSeconds": call["talkSeconds"],
                    "billedSeconds": call["billedSeconds"],
                    "qualityFlags": list(call.get("qualityFlags") or []),
                }
    finally:
        consumer.close()
    print(json.dumps(latest, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
