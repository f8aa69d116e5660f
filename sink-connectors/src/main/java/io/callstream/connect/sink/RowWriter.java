package io.callstream.connect.sink;

import java.util.List;

/** Writes rows to one store, idempotently: a row replaces the row with its key only if its version is equal or higher. */
public interface RowWriter extends AutoCloseable {

    /** Creates the tables (and views) that do not exist yet. */
    void createTables() throws Exception;

    /**
     * Writes rows, at most one per table and key (see {@link Batches#latest}).
     *
     * @throws Exception a failure; {@link #isTransient} tells whether retrying may help
     */
    void write(List<Row> rows) throws Exception;

    /** Whether a failure of {@link #write} may pass on retry (a lost connection, a timeout). */
    boolean isTransient(Exception failure);

    @Override
    void close();
}
