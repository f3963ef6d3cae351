package dev.weir.runtime.exec.operators;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.exec.ProcessingTimeService;
import dev.weir.runtime.exec.TaskMailbox;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.KeyedStateRestore;
import dev.weir.runtime.state.StateBackendSettings;

/**
 * What an operator knows of its subtask, including the state it restores from.
 *
 * @param keyedState the keyed state this operator restores ({@link KeyedStateRestore#NONE} on a fresh start)
 * @param stateBackend where a keyed operator keeps its state
 * @param recordTimestamp the timestamp of the record being handled, shared by the task's chain
 */
public record OperatorContext(
        String jobName,
        String uid,
        int subtask,
        int parallelism,
        int maxParallelism,
        long attempt,
        KeyGroupRange keyGroupRange,
        OperatorStateRestore operatorState,
        KeyedStateRestore keyedState,
        StateBackendSettings stateBackend,
        ProcessingTimeService timeService,
        TaskMailbox mailbox,
        RecordTimestamp recordTimestamp) {}
