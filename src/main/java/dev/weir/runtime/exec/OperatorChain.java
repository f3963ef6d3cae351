package dev.weir.runtime.exec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.StreamNode;
import dev.weir.runtime.exec.operators.CoProcessOperator;
import dev.weir.runtime.exec.operators.FilterOperator;
import dev.weir.runtime.exec.operators.IntervalJoinOperator;
import dev.weir.runtime.exec.operators.FlatMapOperator;
import dev.weir.runtime.exec.operators.KeyedCoProcessOperator;
import dev.weir.runtime.exec.operators.KeyedProcessOperator;
import dev.weir.runtime.exec.operators.LocalWindowAggregateOperator;
import dev.weir.runtime.exec.operators.MapOperator;
import dev.weir.runtime.exec.operators.SideOutputOperator;
import dev.weir.runtime.exec.operators.OperatorContext;
import dev.weir.runtime.exec.operators.Output;
import dev.weir.runtime.exec.operators.SinkOperator;
import dev.weir.runtime.exec.operators.SourceOperator;
import dev.weir.runtime.exec.operators.StreamOperator;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.state.KeyedStateBackend;
import dev.weir.runtime.state.KeyedStateSnapshot;

/**
 * The operators of one subtask, wired output-to-input by direct calls. The head receives the
 * task's input; operators whose consumers are in another task emit into network partitions.
 */
final class OperatorChain {

    /** The synchronous part of one operator's snapshot: its operator state and its keyed state's capture. */
    record OperatorSnapshot(byte[] operatorState, KeyedStateSnapshot keyedState) {}

    private final List<StreamOperator> operators;

    private OperatorChain(List<StreamOperator> operators) {
        this.operators = operators;
    }

    /**
     * @param chain the vertex's nodes, head first (from this subtask's own build of the graph)
     * @param networkOutputs node id → outputs into network edges leaving this task
     * @param contexts node uid → the operator's context
     */
    static OperatorChain create(List<StreamNode> chain, Map<Integer, List<Output>> networkOutputs,
                                Map<String, OperatorContext> contexts) {
        Map<Integer, StreamOperator> byNode = new HashMap<>();
        for (StreamNode node : chain) {
            byNode.put(node.id(), createOperator(node));
        }
        List<StreamOperator> operators = new ArrayList<>();
        for (StreamNode node : chain) {
            List<Output> outputs = new ArrayList<>();
            Map<String, List<Output>> sideOutputs = new LinkedHashMap<>();
            for (StreamNode consumer : node.outputs()) {
                StreamOperator chained = byNode.get(consumer.id());
                if (chained == null) {
                    continue;
                }
                if (consumer.kind() instanceof StreamNode.SideOutputKind k) {
                    sideOutputs.computeIfAbsent(k.tag().id(), id -> new ArrayList<>()).add(chained);
                } else {
                    outputs.add(chained);
                }
            }
            outputs.addAll(networkOutputs.getOrDefault(node.id(), List.of()));
            Output output = combine(outputs);
            if (!sideOutputs.isEmpty()) {
                Map<String, Output> byTag = new LinkedHashMap<>();
                sideOutputs.forEach((tag, readers) -> byTag.put(tag, combine(readers)));
                output = new SideOutputRouter(output, byTag);
            }
            StreamOperator operator = byNode.get(node.id());
            operator.setup(contexts.get(node.uid()), output);
            operators.add(operator);
        }
        return new OperatorChain(Collections.unmodifiableList(operators));
    }

    private static Output combine(List<Output> outputs) {
        return switch (outputs.size()) {
            case 0 -> Output.recordsOnly(record -> {});
            case 1 -> outputs.get(0);
            default -> new BroadcastingOutput(outputs);
        };
    }

    private static StreamOperator createOperator(StreamNode node) {
        StreamNode.Kind kind = node.kind();
        if (kind instanceof StreamNode.SourceKind k) {
            return new SourceOperator(k.source(), k.watermarks());
        } else if (kind instanceof StreamNode.MapKind k) {
            return new MapOperator(k.function());
        } else if (kind instanceof StreamNode.FilterKind k) {
            return new FilterOperator(k.function());
        } else if (kind instanceof StreamNode.FlatMapKind k) {
            return new FlatMapOperator(k.function());
        } else if (kind instanceof StreamNode.KeyedProcessKind k) {
            return new KeyedProcessOperator(k.function(), (Partitioning.KeyBy<?, ?>) node.inputPartitioning());
        } else if (kind instanceof StreamNode.KeyedCoProcessKind k) {
            return new KeyedCoProcessOperator(k.function(), (Partitioning.KeyBy<?, ?>) node.inputs().get(0).partitioning(),
                    (Partitioning.KeyBy<?, ?>) node.inputs().get(1).partitioning());
        } else if (kind instanceof StreamNode.IntervalJoinKind k) {
            // The task thread's context class loader is the job's: buffered records of types without a
            // declared serializer are Java-serialized with the job's classes.
            ClassLoader userCode = Thread.currentThread().getContextClassLoader();
            return new IntervalJoinOperator(k.function(), k.lower(), k.upper(),
                    (Partitioning.KeyBy<?, ?>) node.inputs().get(0).partitioning(),
                    (Partitioning.KeyBy<?, ?>) node.inputs().get(1).partitioning(),
                    RecordSerializers.forNode(node.inputs().get(0).node(), userCode),
                    RecordSerializers.forNode(node.inputs().get(1).node(), userCode))
                    .withLateDataOutputs(k.leftLateData(), k.rightLateData());
        } else if (kind instanceof StreamNode.CoProcessKind k) {
            return new CoProcessOperator(k.function());
        } else if (kind instanceof StreamNode.SinkKind k) {
            return new SinkOperator(k.sink());
        } else if (kind instanceof StreamNode.SideOutputKind) {
            return new SideOutputOperator();
        } else if (kind instanceof StreamNode.LocalWindowAggregateKind k) {
            return new LocalWindowAggregateOperator(k.keySelector(), k.longKeys(), k.function(), k.slice(), k.offset());
        }
        throw new IllegalArgumentException("unknown operator kind " + kind);
    }

    StreamOperator head() {
        return operators.get(0);
    }

    List<StreamOperator> operators() {
        return operators;
    }

    /** Opens the tail first, so every operator's consumers are ready before it can emit. */
    void open() throws Exception {
        for (int i = operators.size() - 1; i >= 0; i--) {
            operators.get(i).open();
        }
    }

    /** Head first: an operator's end of input may flush records into the next one. */
    void endInput() throws Exception {
        for (StreamOperator operator : operators) {
            operator.endInput();
        }
    }

    /** Head first: what an operator flushes may be held back by the next one, which then flushes it too. */
    void flushBuffered() throws Exception {
        for (StreamOperator operator : operators) {
            operator.flushBuffered();
        }
    }

    /** The synchronous part of the chain's snapshot; on failure, what was captured so far is released. */
    Map<String, OperatorSnapshot> snapshot(long checkpointId, CheckpointType type) throws Exception {
        Map<String, OperatorSnapshot> snapshots = new LinkedHashMap<>();
        try {
            for (StreamOperator operator : operators) {
                byte[] operatorState = operator.snapshotOperatorState(checkpointId);
                KeyedStateBackend<?> backend = operator.keyedStateBackend();
                KeyedStateSnapshot keyed = backend == null ? KeyedStateSnapshot.EMPTY
                        : backend.snapshot(checkpointId, type);
                snapshots.put(operator.uid(), new OperatorSnapshot(operatorState, keyed));
            }
        } catch (Exception e) {
            snapshots.values().forEach(s -> s.keyedState().release());
            throw e;
        }
        return snapshots;
    }

    void notifyCheckpointComplete(long checkpointId) throws Exception {
        for (StreamOperator operator : operators) {
            operator.notifyCheckpointComplete(checkpointId);
        }
    }

    void notifyCheckpointAborted(long checkpointId) throws Exception {
        for (StreamOperator operator : operators) {
            operator.notifyCheckpointAborted(checkpointId);
        }
    }

    /** Closes every operator, keeping the first failure. */
    void close() throws Exception {
        Exception first = null;
        for (StreamOperator operator : operators) {
            try {
                operator.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
