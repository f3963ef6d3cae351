package dev.weir.runtime.dataflow.windowing;

import dev.weir.runtime.dataflow.UnrecoverableJobException;

/**
 * The failure of an event-time window that gets a record without a timestamp. Records have no
 * timestamp because their source has no {@code WatermarkStrategy}, so the replayed records after
 * a restart would have none either: the job fails at once with the fix instead of restarting.
 */
public final class MissingTimestamp {

    private MissingTimestamp() {}

    /** @param where what got the record ({@code operator 'x'}, or an empty string where that is not known) */
    public static UnrecoverableJobException in(String where) {
        return new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION,
                (where.isEmpty() ? "" : where + ": ") + "an event-time window got a record without a timestamp: give"
                        + " the source a WatermarkStrategy with a timestamp assigner (env.fromSource(source, strategy,"
                        + " uid))");
    }
}
