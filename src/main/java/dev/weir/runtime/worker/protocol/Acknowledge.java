package dev.weir.runtime.worker.protocol;

import java.util.Objects;

import dev.weir.runtime.checkpoint.TaskAcknowledgement;

/** Worker → coordinator: a subtask's snapshot for a checkpoint is durable; tagged with the attempt it belongs to. */
public record Acknowledge(long attempt, TaskAcknowledgement ack) {

    public Acknowledge {
        Objects.requireNonNull(ack, "ack");
    }
}
