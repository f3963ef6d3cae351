package dev.weir.runtime.worker.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.OperatorSubtaskState;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.testing.Topologies;

class ControlPlaneJsonTest {

    private static final ExecutionVertexId VERTEX = new ExecutionVertexId("keyed-count -> sink", 2);

    @Test
    void everyMessageSurvivesARoundTrip() throws IOException {
        WorkerRegistration w0 = Topologies.worker("job-a", 3, 0, 2, "127.0.0.2", 8081, 9091);
        WorkerRegistration w1 = Topologies.worker("job-a", 3, 1, 2, "127.0.0.3", 8082, 9092);
        List<Object> messages = List.of(
                w0,
                new PeerList(3, List.of(w1, w0)),
                new TriggerCheckpoint(17, 1_700_000_000_000L, CheckpointType.SAVEPOINT),
                new TriggerCheckpoint(18, 1_700_000_000_000L, CheckpointType.CHECKPOINT,
                        dev.weir.runtime.checkpoint.AlignmentType.UNALIGNED, 0L),
                new TriggerCheckpoint(19, 1_700_000_000_000L, CheckpointType.CHECKPOINT,
                        dev.weir.runtime.checkpoint.AlignmentType.ALIGNED, 250L),
                new CheckpointNotification(17),
                new Decline(3, 17, VERTEX, "state upload failed"),
                new TaskEvent(3, VERTEX, TaskEvent.Kind.END_OF_DATA, null),
                new TaskEvent(3, VERTEX, TaskEvent.Kind.FAILED, "java.lang.IllegalStateException: boom"),
                new TaskEvent(3, VERTEX, TaskEvent.Kind.FAILED, "job argument 'x' is bad",
                        dev.weir.runtime.dataflow.UnrecoverableJobException.Kind.CONFIGURATION),
                new WorkerFailure(3, 1, "job class 'a.B' was not found",
                        dev.weir.runtime.dataflow.UnrecoverableJobException.Kind.JOB_CLASS),
                new WorkerFailure(3, 1, "connection refused", null),
                HeartbeatReply.UNKNOWN,
                new Heartbeat(3, 1, 1_700_000_000_123L),
                new Acknowledge(3, acknowledgementWithKeyGroups()),
                new ErrorBody(401, "invalid bearer token"));
        for (Object message : messages) {
            byte[] json = ControlPlaneJson.write(message);
            assertThat(ControlPlaneJson.read(json, message.getClass())).as(new String(json)).isEqualTo(message);
        }
    }

    @Test
    void aSubtaskReportIsACompactArrayWithItsWatermarkAndLagLastAndReadsOneWithoutThem() throws IOException {
        SubtaskMetricsReport report = new SubtaskMetricsReport("window", 1, 61_000, 250_000, 249_800, 1_200, 30_500,
                1_796_196_169_079L, 4_200L);

        byte[] json = ControlPlaneJson.write(report);

        assertThat(new String(json)).isEqualTo("[\"window\",1,61000,250000,249800,1200,30500,1796196169079,4200]");
        assertThat(ControlPlaneJson.read(json, SubtaskMetricsReport.class)).isEqualTo(report);
        byte[] older = "[\"window\",1,61000,250000,249800,1200,30500]".getBytes();
        assertThat(ControlPlaneJson.read(older, SubtaskMetricsReport.class)).isEqualTo(
                new SubtaskMetricsReport("window", 1, 61_000, 250_000, 249_800, 1_200, 30_500, null, null));
        byte[] none = ControlPlaneJson.write(new SubtaskMetricsReport("window", 1, 61_000, 250_000, 249_800, 1_200,
                30_500));
        assertThat(new String(none)).endsWith(",30500,null,null]");
    }

    @Test
    void keyGroupHandlesKeepIntegerKeysAndNullOperatorState() throws IOException {
        Acknowledge ack = new Acknowledge(1, acknowledgementWithKeyGroups());

        Acknowledge read = ControlPlaneJson.read(ControlPlaneJson.write(ack), Acknowledge.class);

        OperatorSubtaskState counts = read.ack().operators().get("counts");
        assertThat(counts.operatorState()).isNull();
        assertThat(counts.keyGroups()).containsOnlyKeys(64, 65, 79);
        assertThat(counts.keyGroups().get(79)).isEqualTo(new StateHandle("chk-17/counts-2-64-79.state", 40, 12));
        assertThat(read.ack().stateSize()).isEqualTo(ack.ack().stateSize());
    }

    @Test
    void peerListIsOrderedAndCompleteOnlyWithEveryIndex() {
        WorkerRegistration w0 = new WorkerRegistration("j", 1, 0, "h0", 1, 2, null, null);
        WorkerRegistration w2 = new WorkerRegistration("j", 1, 2, "h2", 1, 2, null, null);
        WorkerRegistration w1 = new WorkerRegistration("j", 1, 1, "h1", 1, 2, null, null);

        assertThat(new PeerList(1, List.of(w2, w0)).isCompleteFor(3)).isFalse();
        PeerList all = new PeerList(1, List.of(w2, w0, w1));
        assertThat(all.workers()).extracting(WorkerRegistration::worker).containsExactly(0, 1, 2);
        assertThat(all.isCompleteFor(3)).isTrue();
    }

    @Test
    void aTriggerFromACoordinatorWithoutUnalignedCheckpointsIsAlignedWithoutTimeout() throws IOException {
        byte[] older = "{\"checkpointId\":4,\"timestamp\":99,\"type\":\"CHECKPOINT\"}".getBytes();
        TriggerCheckpoint trigger = ControlPlaneJson.read(older, TriggerCheckpoint.class);
        assertThat(trigger.barrier()).isEqualTo(new dev.weir.runtime.checkpoint.CheckpointBarrier(4, 99,
                CheckpointType.CHECKPOINT));
        assertThat(trigger.barrier().canTimeOut()).isFalse();
    }

    @Test
    void toleratesUnknownFieldsFromNewerPeersButNotNullIds() throws IOException {
        byte[] newer = "{\"checkpointId\":5,\"addedLater\":true}".getBytes();
        assertThat(ControlPlaneJson.read(newer, CheckpointNotification.class)).isEqualTo(new CheckpointNotification(5));

        byte[] broken = "{\"checkpointId\":null}".getBytes();
        assertThatThrownBy(() -> ControlPlaneJson.read(broken, CheckpointNotification.class))
                .isInstanceOf(IOException.class);
    }

    private static TaskAcknowledgement acknowledgementWithKeyGroups() {
        String file = "chk-17/counts-2-64-79.state";
        OperatorSubtaskState counts = new OperatorSubtaskState(2, null, Map.of(
                64, new StateHandle(file, 0, 20),
                65, new StateHandle(file, 20, 20),
                79, new StateHandle(file, 40, 12)));
        OperatorSubtaskState source = new OperatorSubtaskState(2, new StateHandle(file, 52, 8), Map.of());
        return new TaskAcknowledgement(17, VERTEX, Map.of("counts", counts, "source", source),
                new dev.weir.runtime.checkpoint.SubtaskCheckpointMetrics(3, 4_000_000, 5_000_000, 6_000_000));
    }
}
