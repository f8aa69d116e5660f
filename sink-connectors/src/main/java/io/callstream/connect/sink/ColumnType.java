package io.callstream.connect.sink;

/** The column types of callstream's tables, named per store by each writer. */
public enum ColumnType {
    TEXT,
    INT,
    BIGINT,
    DOUBLE,
    /** UTC instant, millisecond precision where the store has it. */
    TIMESTAMP,
    /** decimal(18,6), the contracts' money. */
    MONEY
}
