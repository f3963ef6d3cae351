package dev.weir.runtime.exec.operators;

import java.util.Map;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.exec.ProcessingTimeService;
import dev.weir.runtime.exec.TaskMailbox;
import dev.weir.runtime.state.KeyGroupRange;

/**
 * What an operator knows of its subtask, including the state it restores from.
 *
 * @param restoredKeyGroups key group → snapshot bytes of this operator's keyed state (empty on a fresh start)
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
        Map<Integer, byte[]> restoredKeyGroups,
        ProcessingTimeService timeService,
        TaskMailbox mailbox,
        RecordTimestamp recordTimestamp) {}
