package dev.weir.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for ITs (zonky's embedded binaries), started once per JVM on first use
 * and stopped by zonky's shutdown hook. Each test class takes its own database, so classes never
 * see each other's tables, commit rows or prepared transactions.
 *
 * <p>The superuser {@code postgres} connects without a password (fast: the harness opens hundreds
 * of connections); the role {@link #PASSWORD_USER} must authenticate with SCRAM, so tests can
 * check what a wrong password does.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    public static final String SUPERUSER = "postgres";
    public static final String PASSWORD_USER = "weir_pw";
    public static final String PASSWORD = "s3cret-Pa55word";

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres shared;

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
        this.server = server;
    }

    /** The JVM-wide server, with {@code max_prepared_transactions=16} so two-phase commit works. */
    public static synchronized EmbeddedPostgres shared() {
        if (shared == null) {
            shared = start(16);
        }
        return shared;
    }

    /** A separate server with the given setting (0 disables PREPARE TRANSACTION); the caller closes it. */
    public static EmbeddedPostgres start(int maxPreparedTransactions) {
        try {
            EmbeddedPostgres postgres = new EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setServerConfig("max_prepared_transactions", Integer.toString(maxPreparedTransactions))
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "off") // test data need not survive a power cut
                    .setDataDirectoryCustomizer(EmbeddedPostgres::writeHostBasedAuthentication)
                    .setOutputRedirector(Redirect.DISCARD)
                    .setErrorRedirector(Redirect.DISCARD)
                    .start());
            postgres.execute("postgres", "CREATE ROLE " + PASSWORD_USER + " LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'");
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
        }
    }

    /** A new, empty database; its name starts with {@code prefix}. Returns its JDBC URL. */
    public String createDatabase(String prefix) {
        String name = (prefix.replaceAll("[^A-Za-z0-9]", "_") + "_" + DATABASES.incrementAndGet()).toLowerCase(Locale.ROOT);
        execute("postgres", "CREATE DATABASE " + name);
        return jdbcUrl(name);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + server.getPort() + "/" + database;
    }

    /** The JDBC URL of the default database. */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    public int port() {
        return server.getPort();
    }

    /** A superuser connection to the database at {@code url}, in autocommit mode. */
    public static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, SUPERUSER, "");
    }

    public void execute(String database, String sql) {
        try (Connection connection = connect(jdbcUrl(database)); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run on the embedded PostgreSQL: " + sql, e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private static void writeHostBasedAuthentication(File dataDirectory) {
        String rules = "local all all trust\n"
                + "host all " + SUPERUSER + " 127.0.0.1/32 trust\n"
                + "host all " + SUPERUSER + " ::1/128 trust\n"
                + "host all all 127.0.0.1/32 scram-sha-256\n"
                + "host all all ::1/128 scram-sha-256\n";
        try {
            Files.writeString(dataDirectory.toPath().resolve("pg_hba.conf"), rules, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
