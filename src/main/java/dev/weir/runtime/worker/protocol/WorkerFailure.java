package dev.weir.runtime.worker.protocol;

import java.util.Objects;

import dev.weir.runtime.dataflow.UnrecoverableJobException;

/**
 * Worker → coordinator: the worker cannot run its part of the attempt, outside any task (the job's
 * jar or class cannot be loaded, its graph cannot be built). {@code unrecoverable} is set when no
 * restart can help: the job then fails at once with {@code message}.
 */
public record WorkerFailure(long attempt, int worker, String message, UnrecoverableJobException.Kind unrecoverable) {

    public WorkerFailure {
        Objects.requireNonNull(message, "message");
    }
}
