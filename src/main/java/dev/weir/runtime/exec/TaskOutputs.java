package dev.weir.runtime.exec;

import java.util.List;
import java.util.Map;

import dev.weir.runtime.exec.operators.Output;
import dev.weir.runtime.exec.operators.RecordTimestamp;
import dev.weir.runtime.network.ResultPartition;

/**
 * What a task emits into: its network partitions, the outputs of its chain's nodes into them, and
 * the record timestamp the chain and those outputs share.
 *
 * @param byNode node id → outputs into network edges leaving this task
 */
record TaskOutputs(List<ResultPartition> partitions, Map<Integer, List<Output>> byNode, RecordTimestamp timestamp) {}
