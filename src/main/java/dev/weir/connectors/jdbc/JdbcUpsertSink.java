package dev.weir.connectors.jdbc;

import java.sql.Connection;
import java.util.List;
import java.util.function.Function;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * An idempotent PostgreSQL sink: every record is upserted by its key columns
 * ({@code INSERT ... ON CONFLICT (keys) DO UPDATE}), so the replay after a restore rewrites rows
 * with the values they had and the table ends as if each record was written once. Rows are sent
 * with {@code executeBatch} when the batch is full and at every barrier, one database transaction
 * per batch. The key columns need a primary key or unique index on the table. Records of one key
 * should reach one subtask (keyBy) so their order is kept.
 */
public final class JdbcUpsertSink<T> implements Sink<T> {

    public static final int DEFAULT_MAX_BATCH_SIZE = 500;

    private final JdbcConnectionSettings settings;
    private final TableSpec<T> table;
    private final List<String> keyColumns;
    private final int maxBatchSize;
    private final ConnectionOpener opener;

    /**
     * @param columns      the columns written, in the order {@code rowExtractor} returns values
     * @param keyColumns   the columns (among {@code columns}) that identify a row
     * @param rowExtractor a record's column values; its key values must be deterministic
     */
    public JdbcUpsertSink(JdbcConnectionSettings settings, String table, List<String> columns, List<String> keyColumns,
                          Function<? super T, Object[]> rowExtractor) {
        this(settings, table, columns, keyColumns, rowExtractor, DEFAULT_MAX_BATCH_SIZE, ConnectionOpener.DIRECT);
    }

    public JdbcUpsertSink(JdbcConnectionSettings settings, String table, List<String> columns, List<String> keyColumns,
                          Function<? super T, Object[]> rowExtractor, int maxBatchSize) {
        this(settings, table, columns, keyColumns, rowExtractor, maxBatchSize, ConnectionOpener.DIRECT);
    }

    JdbcUpsertSink(JdbcConnectionSettings settings, String table, List<String> columns, List<String> keyColumns,
                   Function<? super T, Object[]> rowExtractor, int maxBatchSize, ConnectionOpener opener) {
        if (settings == null) {
            throw new IllegalArgumentException("JdbcUpsertSink: connection settings are missing");
        }
        this.settings = settings;
        this.table = new TableSpec<>(table, columns, rowExtractor);
        if (keyColumns == null || keyColumns.isEmpty()) {
            throw new IllegalArgumentException(describe() + ": name the key columns (the upsert key)");
        }
        for (String key : keyColumns) {
            if (!columns.contains(key)) {
                throw new IllegalArgumentException(describe() + ": key column " + key + " is not among the columns " + columns);
            }
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException(describe() + ": maxBatchSize must be positive, got " + maxBatchSize);
        }
        this.keyColumns = List.copyOf(keyColumns);
        this.maxBatchSize = maxBatchSize;
        this.opener = opener;
    }

    /** The statement each record is written with. */
    public String upsertSql() {
        return table.upsertSql(keyColumns);
    }

    @Override
    public SinkWriter<T> createWriter(SinkContext context) throws Exception {
        String connector = describe();
        Connection connection = opener.open(settings, connector);
        try {
            table.checkExists(connection, settings, connector);
            connection.setAutoCommit(false);
            return new JdbcUpsertWriter<>(context, maxBatchSize, connection, settings, connector, table, keyColumns,
                    upsertSql());
        } catch (Exception e) {
            connection.close();
            throw e;
        }
    }

    /** Names the table and the URL without its password: this string ends up in logs and errors. */
    @Override
    public String toString() {
        return describe();
    }

    private String describe() {
        return "JdbcUpsertSink[table=" + table.table() + ", url=" + settings.redactedUrl() + "]";
    }
}
