package io.callstream.connect.sink;

/** One column of a {@link Table}. */
public record Column(String name, ColumnType type, boolean nullable) {

    static Column required(String name, ColumnType type) {
        return new Column(name, type, false);
    }

    static Column optional(String name, ColumnType type) {
        return new Column(name, type, true);
    }
}
