package io.callstream.connect.converter;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.kafka.connect.errors.DataException;

/**
 * Avro unions of {@code null} and one other type: the only unions a Connect schema can express (as
 * an optional schema). Any other union is rejected.
 */
final class NullableUnions {

    private NullableUnions() {}

    /**
     * Whether {@code schema} is a union of null and one other type.
     *
     * @throws DataException for any other union
     */
    static boolean isNullable(Schema schema) {
        return valueType(schema) != schema;
    }

    /**
     * The type of the non-null values of {@code schema}: its other branch if it is a nullable union,
     * otherwise the schema itself.
     *
     * @throws DataException for any other union
     */
    static Schema valueType(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        List<Schema> types = schema.getTypes();
        if (types.size() == 2 && types.get(0).getType() == Schema.Type.NULL) {
            return types.get(1);
        }
        if (types.size() == 2 && types.get(1).getType() == Schema.Type.NULL) {
            return types.get(0);
        }
        throw new DataException("Cannot convert the Avro union "
                + types.stream().map(Schema::getFullName).collect(Collectors.joining(", ", "[", "]"))
                + ": only unions of null and one other type are supported");
    }

    /** The union of null and {@code type}, null first unless a non-null default must come first. */
    static Schema of(Schema type, boolean nullFirst) {
        Schema nul = Schema.create(Schema.Type.NULL);
        return Schema.createUnion(nullFirst ? List.of(nul, type) : List.of(type, nul));
    }
}
