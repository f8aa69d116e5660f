package io.callstream.connect.sink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Batch preparation shared by the writers. */
public final class Batches {

    private Batches() {}

    /**
     * The rows to write: per table and key, the row with the highest version (the last of equal
     * ones), in first-seen order. Stores cannot upsert one key twice in one statement, and the older
     * rows would be discarded anyway.
     */
    public static List<Row> latest(List<Row> rows) {
        Map<List<Object>, Row> latest = new LinkedHashMap<>();
        for (Row row : rows) {
            List<Object> key = new ArrayList<>(row.key());
            key.add(row.table().name());
            latest.merge(key, row, (kept, next) -> next.version() >= kept.version() ? next : kept);
        }
        return List.copyOf(latest.values());
    }
}
