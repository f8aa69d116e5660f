package io.callstream.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The conventions that let the contracts evolve and be read: docs everywhere, enums with defaults. */
class SchemaConventionsTest {

    @Test
    void shouldDocumentEveryRecordFieldAndEnum() {
        List<String> undocumented = new ArrayList<>();
        forEachNamed((schema) -> {
            if (blank(schema.getDoc())) {
                undocumented.add(schema.getFullName());
            }
            if (schema.getType() == Schema.Type.RECORD) {
                schema.getFields().stream()
                        .filter(field -> blank(field.doc()))
                        .forEach(field -> undocumented.add(schema.getFullName() + "." + field.name()));
            }
        });

        assertThat(undocumented).isEmpty();
    }

    @Test
    void shouldGiveEveryEnumADefaultSymbol() {
        List<String> withoutDefault = new ArrayList<>();
        forEachNamed(schema -> {
            if (schema.getType() == Schema.Type.ENUM && schema.getEnumDefault() == null) {
                withoutDefault.add(schema.getFullName());
            }
        });

        assertThat(withoutDefault).isEmpty();
    }

    @Test
    void shouldUseLogicalTypesForTimesAndMoney() {
        Schema received =
                WebhookEnvelope.getClassSchema().getField("receivedAt").schema();
        Schema amount =
                Call.getClassSchema().getField("amount").schema().getTypes().get(1);

        assertThat(received.getLogicalType().getName()).isEqualTo("timestamp-millis");
        assertThat(amount.getLogicalType().getName()).isEqualTo("decimal");
    }

    private static void forEachNamed(java.util.function.Consumer<Schema> action) {
        Map<Schema, Boolean> seen = new IdentityHashMap<>();
        TopicSchemas.ALL.forEach(schema -> visit(schema, seen, action));
    }

    private static void visit(Schema schema, Map<Schema, Boolean> seen, java.util.function.Consumer<Schema> action) {
        if (seen.put(schema, Boolean.TRUE) != null) {
            return;
        }
        switch (schema.getType()) {
            case RECORD -> {
                action.accept(schema);
                schema.getFields().forEach(field -> visit(field.schema(), seen, action));
            }
            case ENUM -> action.accept(schema);
            case UNION -> schema.getTypes().forEach(type -> visit(type, seen, action));
            case ARRAY -> visit(schema.getElementType(), seen, action);
            case MAP -> visit(schema.getValueType(), seen, action);
            default -> {}
        }
    }

    private static boolean blank(String doc) {
        return doc == null || doc.isBlank();
    }
}
