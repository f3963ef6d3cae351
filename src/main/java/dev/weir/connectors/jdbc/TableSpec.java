package dev.weir.connectors.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * The target table of a JDBC sink: validated names, the SQL the sinks run against it, and how a
 * record becomes one row of parameters.
 */
final class TableSpec<T> {

    private static final String UNDEFINED_TABLE = "42P01";
    private static final String UNDEFINED_COLUMN = "42703";

    private final SqlIdentifier table;
    private final List<SqlIdentifier> columns;
    private final Function<? super T, Object[]> rowExtractor;

    TableSpec(String table, List<String> columns, Function<? super T, Object[]> rowExtractor) {
        this.table = SqlIdentifier.of("table", table);
        if (columns == null || columns.isEmpty()) {
            throw new IllegalArgumentException("table " + table + ": the column list is empty");
        }
        List<SqlIdentifier> validated = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String column : columns) {
            validated.add(SqlIdentifier.of("column", column));
            if (!seen.add(column)) {
                throw new IllegalArgumentException("table " + table + ": column " + column + " is listed twice");
            }
        }
        this.columns = List.copyOf(validated);
        if (rowExtractor == null) {
            throw new IllegalArgumentException("table " + table + ": the row extractor is missing");
        }
        this.rowExtractor = rowExtractor;
    }

    String table() {
        return table.name();
    }

    List<String> columnNames() {
        return columns.stream().map(SqlIdentifier::name).toList();
    }

    String insertSql() {
        StringJoiner names = new StringJoiner(", ");
        StringJoiner marks = new StringJoiner(", ");
        for (SqlIdentifier column : columns) {
            names.add(column.quoted());
            marks.add("?");
        }
        return "INSERT INTO " + table.quoted() + " (" + names + ") VALUES (" + marks + ")";
    }

    /** An upsert on {@code keyColumns}, which need a unique index or primary key on the table. */
    String upsertSql(List<String> keyColumns) {
        StringJoiner conflict = new StringJoiner(", ");
        for (String key : keyColumns) {
            conflict.add(SqlIdentifier.of("key column", key).quoted());
        }
        StringJoiner updates = new StringJoiner(", ");
        for (SqlIdentifier column : columns) {
            if (!keyColumns.contains(column.name())) {
                updates.add(column.quoted() + " = EXCLUDED." + column.quoted());
            }
        }
        // With only key columns there is nothing to update: the row existing is the whole effect.
        String action = updates.length() == 0 ? "DO NOTHING" : "DO UPDATE SET " + updates;
        return insertSql() + " ON CONFLICT (" + conflict + ") " + action;
    }

    /** Values of {@code record} in column order; a wrong-sized row is a programming error. */
    Object[] row(T record) {
        Object[] row = rowExtractor.apply(record);
        if (row == null || row.length != columns.size()) {
            throw new IllegalArgumentException("table " + table + ": the row extractor returned "
                    + (row == null ? "null" : row.length + " values") + " for " + columns.size() + " columns "
                    + columnNames());
        }
        return row;
    }

    void addBatch(PreparedStatement statement, T record) throws SQLException {
        Object[] row = row(record);
        for (int i = 0; i < row.length; i++) {
            statement.setObject(i + 1, row[i]);
        }
        statement.addBatch();
    }

    /**
     * Fails early, with a message naming the table or column, when they do not exist: better at
     * start than at the first checkpoint.
     */
    void checkExists(Connection connection, JdbcConnectionSettings settings, String connector)
            throws JdbcConnectorException {
        StringJoiner names = new StringJoiner(", ");
        columns.forEach(column -> names.add(column.quoted()));
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT " + names + " FROM " + table.quoted() + " WHERE false");
        } catch (SQLException e) {
            String what = UNDEFINED_TABLE.equals(e.getSQLState())
                    ? "table " + table + " does not exist"
                    : UNDEFINED_COLUMN.equals(e.getSQLState())
                            ? "table " + table + " lacks a column of " + columnNames()
                            : "cannot read table " + table;
            throw settings.failure(connector + ": " + what + " in " + settings.redactedUrl(), e);
        }
    }
}
