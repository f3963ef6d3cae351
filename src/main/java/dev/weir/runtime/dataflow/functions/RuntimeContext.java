package dev.weir.runtime.dataflow.functions;

import dev.weir.runtime.state.StateDescriptor;

/** What a function sees of the subtask running it. */
public interface RuntimeContext {
    int subtaskIndex();

    int parallelism();

    int maxParallelism();

    /** Keyed state (only inside keyed functions); restored from the checkpoint when there is one. */
    <S> S getState(StateDescriptor<S> descriptor);
}
