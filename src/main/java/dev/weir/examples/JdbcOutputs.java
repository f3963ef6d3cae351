package dev.weir.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import dev.weir.connectors.jdbc.JdbcConnectionSettings;
import dev.weir.connectors.jdbc.JdbcTwoPhaseCommitSink;
import dev.weir.connectors.jdbc.JdbcUpsertSink;
import dev.weir.connectors.jdbc.JdbcWriteAheadSink;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.state.serialization.Types;

/**
 * The {@code jdbc:postgresql://host:port/db?table=<t>&mode=upsert|wal|2pc} output of the example
 * jobs: keyed-count's {@code key,count,sum} lines become rows (key, count, sum) of a table the
 * user created (DDL in docs/connectors.md). {@code upsert} keeps the latest row per key (the key
 * column needs a primary key); {@code wal} and {@code 2pc} insert every line exactly once.
 *
 * <p>{@code table}, {@code mode}, {@code user} and the optional {@code sink} (name of the sink in
 * commit rows and transaction ids, default {@value #DEFAULT_SINK_NAME}) are taken out of the URL;
 * other parameters go to the driver. The user comes from {@code WEIR_JDBC_USER} (else the URL's
 * {@code user}), the password from {@code WEIR_JDBC_PASSWORD}, so it never has to be a job argument.
 */
final class JdbcOutputs {

    static final String DEFAULT_SINK_NAME = "output";
    private static final List<String> COLUMNS = List.of("key", "count", "sum");

    private JdbcOutputs() {}

    static <T> Sink<T> sinkFor(String output, Function<String, String> environment) {
        int query = output.indexOf('?');
        Map<String, String> options = new LinkedHashMap<>();
        List<String> driverParameters = new ArrayList<>();
        if (query >= 0) {
            for (String parameter : output.substring(query + 1).split("&")) {
                int equals = parameter.indexOf('=');
                String name = equals < 0 ? parameter : parameter.substring(0, equals);
                // user too: otherwise the driver would let it override WEIR_JDBC_USER behind our back.
                if (name.equals("table") || name.equals("mode") || name.equals("sink") || name.equals("user")) {
                    options.put(name, equals < 0 ? "" : parameter.substring(equals + 1));
                } else if (!parameter.isEmpty()) {
                    driverParameters.add(parameter);
                }
            }
        }
        String url = (query < 0 ? output : output.substring(0, query))
                + (driverParameters.isEmpty() ? "" : "?" + String.join("&", driverParameters));
        JdbcConnectionSettings settings = settings(url, options.get("user"), environment);
        String table = options.get("table");
        if (table == null || table.isBlank()) {
            throw new IllegalArgumentException("jdbc output " + settings.redactedUrl()
                    + ": the setting 'table' is missing (add ?table=<name>&mode=upsert|wal|2pc)");
        }
        String mode = options.getOrDefault("mode", "").toLowerCase(Locale.ROOT);
        String sinkName = options.getOrDefault("sink", DEFAULT_SINK_NAME);
        Function<String, Object[]> row = line -> row(line, table);
        Sink<String> sink;
        switch (mode) {
            case "upsert":
                sink = new JdbcUpsertSink<>(settings, table, COLUMNS, List.of("key"), row);
                break;
            case "wal":
                sink = new JdbcWriteAheadSink<>(settings, sinkName, table, COLUMNS, row, Types.STRING);
                break;
            case "2pc":
                sink = new JdbcTwoPhaseCommitSink<>(settings, sinkName, table, COLUMNS, row);
                break;
            default:
                throw new IllegalArgumentException("jdbc output " + settings.redactedUrl() + ": the setting 'mode' must be "
                        + "upsert, wal or 2pc, got '" + options.getOrDefault("mode", "") + "'");
        }
        return new ToStringSink<>(sink);
    }

    private static JdbcConnectionSettings settings(String url, String userInUrl, Function<String, String> environment) {
        String user = environment.apply(JdbcConnectionSettings.USER_ENV);
        if (user == null || user.isBlank()) {
            // A user name in the URL is no secret; the password belongs in the environment.
            user = userInUrl;
        }
        return new JdbcConnectionSettings(url, user, environment.apply(JdbcConnectionSettings.PASSWORD_ENV));
    }

    /** keyed-count's {@code key,count,sum} as three BIGINT values. */
    static Object[] row(String line, String table) {
        String[] parts = line.split(",", -1);
        try {
            if (parts.length == 3) {
                return new Object[] {Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("jdbc output table " + table + ": expected a keyed-count line "
                + "'key,count,sum' of integers, got '" + line + "'");
    }
}
