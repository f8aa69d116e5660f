package io.callstream.registry.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Confluent's wire format: magic byte {@code 0}, the schema id as a 4-byte big-endian int, then the
 * Avro binary encoding of the value.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {}

    /** Writes the 5-byte header for {@code schemaId} into the start of {@code buffer}. */
    public static void writeHeader(ByteBuffer buffer, int schemaId) {
        buffer.put(MAGIC_BYTE).putInt(schemaId);
    }

    /**
     * Reads the schema id from a framed payload.
     *
     * @throws SerializationException when the bytes are too short or do not start with the magic byte
     */
    public static int schemaId(byte[] payload) {
        if (payload.length < HEADER_SIZE) {
            throw new SerializationException("Not Confluent wire format: " + payload.length
                    + " bytes is shorter than the 5-byte header (magic byte and schema id)");
        }
        if (payload[0] != MAGIC_BYTE) {
            throw new SerializationException(String.format(
                    "Unknown magic byte 0x%02x: not Confluent wire format (expected 0x00 then a 4-byte schema id)",
                    payload[0]));
        }
        return ByteBuffer.wrap(payload, 1, 4).getInt();
    }
}
