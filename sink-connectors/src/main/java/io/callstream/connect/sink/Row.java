package io.callstream.connect.sink;

import java.util.Arrays;
import java.util.List;

/**
 * One row for a {@link Table}: values in column order, as Java values ({@code String}, {@code
 * Integer}, {@code Long}, {@code Double}, {@code java.time.Instant}, {@code BigDecimal}, or null).
 */
public record Row(Table table, Object[] values) {

    public Row {
        if (values.length != table.columns().size()) {
            throw new IllegalArgumentException(table.name() + ": " + values.length + " values for "
                    + table.columns().size() + " columns");
        }
    }

    public Object get(String column) {
        return values[table.indexOf(column)];
    }

    public long version() {
        return (Long) values[values.length - 1];
    }

    /** The row's key values, comparable with {@code equals}. */
    public List<Object> key() {
        return table.key().stream().map(this::get).toList();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Row row && row.table.equals(table) && Arrays.equals(row.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * table.hashCode() + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return table.name() + Arrays.toString(values);
    }
}
