package dev.weir.connectors.jdbc;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Global ids of {@link JdbcTwoPhaseCommitSink}'s prepared transactions:
 * {@code weir-<job>-<sink>-<subtask>-<attempt>-<seq>}. The sink name has no '-', so the job and
 * sink part before the last three numbers is unambiguous and one sink never takes another's ids
 * for its own. The id goes into SQL as a string literal ({@code PREPARE TRANSACTION} takes no
 * parameters), so only characters that need no escaping are allowed.
 */
record TransactionIds(String prefix) {

    /** PostgreSQL's GIDSIZE is 200 bytes including the terminating NUL. */
    static final int MAX_LENGTH = 199;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern SUFFIX = Pattern.compile("(\\d+)-(\\d+)-(\\d+)");
    /** The longest suffix: int subtask, long attempt, long sequence and their dashes. */
    private static final int MAX_SUFFIX = 10 + 1 + 19 + 1 + 19;

    /** A subtask's transaction as its id names it. */
    record Parsed(int subtask, long attempt, long sequence) {}

    static TransactionIds of(String connector, String job, String sink) {
        if (job == null || !SAFE.matcher(job).matches()) {
            throw new IllegalArgumentException(connector + ": job name '" + job
                    + "' cannot go into a transaction id (letters, digits, '_', '.', '-' only)");
        }
        String prefix = "weir-" + job + "-" + sink + "-";
        if (prefix.length() + MAX_SUFFIX > MAX_LENGTH) {
            throw new IllegalArgumentException(connector + ": job name '" + job + "' and sink name '" + sink
                    + "' are too long for PostgreSQL transaction ids (" + MAX_LENGTH + " characters); shorten either");
        }
        return new TransactionIds(prefix);
    }

    String gid(int subtask, long attempt, long sequence) {
        return prefix + subtask + "-" + attempt + "-" + sequence;
    }

    /** The parts of {@code gid} if it belongs to this job and sink, else null. */
    Parsed parse(String gid) {
        if (!gid.startsWith(prefix)) {
            return null;
        }
        Matcher matcher = SUFFIX.matcher(gid.substring(prefix.length()));
        if (!matcher.matches()) {
            return null;
        }
        try {
            return new Parsed(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2)),
                    Long.parseLong(matcher.group(3)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code gid} as a SQL string literal; safe because ids only hold {@link #SAFE} characters. */
    static String literal(String gid) {
        if (!SAFE.matcher(gid).matches()) {
            throw new IllegalArgumentException("not a transaction id of this sink: " + gid);
        }
        return "'" + gid + "'";
    }
}
