package dev.weir.operator.reconcile;

import java.time.Instant;
import java.util.List;

/** The restarts (RFC 3339 times in status) that still count: those within the policy's sliding window. */
public final class RestartWindow {

    private RestartWindow() {
    }

    public static List<String> recentRestarts(List<String> restartTimes, long windowMs, long now) {
        if (restartTimes == null) {
            return List.of();
        }
        return restartTimes.stream().filter(t -> Instant.parse(t).toEpochMilli() > now - windowMs).toList();
    }
}
