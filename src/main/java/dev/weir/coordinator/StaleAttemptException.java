package dev.weir.coordinator;

/** A request names an attempt that is not the job's current one; its sender should stop (HTTP 410). */
public class StaleAttemptException extends RuntimeException {

    public StaleAttemptException(long attempt, long current) {
        super("attempt " + attempt + " is not the current attempt (" + current + ")");
    }
}
