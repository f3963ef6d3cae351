package dev.weir.connectors.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.weir.testing.EmbeddedPostgres;

/** An independent reader (its own autocommit connection): what a consumer of the table would see. */
final class TestTables {

    private final String url;

    TestTables(String url) {
        this.url = url;
    }

    JdbcConnectionSettings settings() {
        return new JdbcConnectionSettings(url, EmbeddedPostgres.SUPERUSER, "");
    }

    void execute(String sql) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Every row of {@code sql}'s result, columns joined with '='. */
    List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = EmbeddedPostgres.connect(url); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int c = 1; c <= columns; c++) {
                    row.append(c > 1 ? "=" : "").append(result.getString(c));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    /** Prepared transactions of {@code sink} (any job) in this database. */
    List<String> preparedTransactions(String sink) throws SQLException {
        List<String> gids = new ArrayList<>();
        for (String gid : rows("SELECT gid FROM pg_prepared_xacts WHERE database = current_database()")) {
            if (gid.contains("-" + sink + "-")) {
                gids.add(gid);
            }
        }
        return gids;
    }
}
