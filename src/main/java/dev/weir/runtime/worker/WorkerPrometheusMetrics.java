package dev.weir.runtime.worker;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.runtime.metrics.TaskIoMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

/**
 * A worker's own Prometheus metrics (docs/rest-api.md#metrics), served at {@code GET /metrics} on
 * its control port: per subtask it runs, its records, time split, watermark lag and (a source) its
 * pending records, as its task threads measure them, and the figures of the latest checkpoint it
 * acknowledged; and the JVM's memory, GC, threads and CPU. The coordinator exports the job's own
 * figures (state, restarts, checkpoints as a whole), never these, so no series comes from both.
 * Every series carries {@code job} and {@code worker}; a subtask's also {@code task} and
 * {@code subtask}. Subtasks get their meters at the first scrape after their task exists.
 */
final class WorkerPrometheusMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Supplier<Map<ExecutionVertexId, TaskIoMetrics>> tasks;
    private final Map<ExecutionVertexId, TaskIoMetrics.Sample> samples = new ConcurrentHashMap<>();
    private final Map<ExecutionVertexId, TaskAcknowledgement> acknowledged = new ConcurrentHashMap<>();
    private final Set<ExecutionVertexId> registered = ConcurrentHashMap.newKeySet();

    /** @param tasks the running attempt's subtasks and what they measure; empty before the tasks exist */
    WorkerPrometheusMetrics(String job, int worker, Supplier<Map<ExecutionVertexId, TaskIoMetrics>> tasks) {
        this.tasks = tasks;
        registry.config().commonTags("job", job, "worker", Integer.toString(worker));
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** A subtask's snapshot for a checkpoint is durable: its figures replace the ones before. */
    void acknowledged(TaskAcknowledgement acknowledgement) {
        acknowledged.merge(acknowledgement.vertex(), acknowledgement,
                (old, now) -> now.checkpointId() >= old.checkpointId() ? now : old);
    }

    /** Every meter in Prometheus's text format, as of now. */
    String scrape() {
        long now = System.nanoTime();
        tasks.get().forEach((vertex, io) -> {
            samples.put(vertex, io.sample(now));
            if (registered.add(vertex)) {
                register(vertex, io.isSource());
            }
        });
        return registry.scrape();
    }

    private void register(ExecutionVertexId vertex, boolean source) {
        Tags tags = Tags.of("task", vertex.taskName(), "subtask", Integer.toString(vertex.subtask()));
        counter("weir.task.records.in", null, tags, vertex, TaskIoMetrics.Sample::recordsIn,
                "Records the subtask read (a source: from the external system)");
        counter("weir.task.records.out", null, tags, vertex, TaskIoMetrics.Sample::recordsOut,
                "Records the subtask emitted downstream or its sinks wrote");
        counter("weir.task.busy.time", "seconds", tags, vertex, s -> s.busyNanos() / 1e9,
                "Running time neither idle nor back-pressured (Flink's busy time)");
        counter("weir.task.back.pressured.time", "seconds", tags, vertex, s -> s.backPressuredNanos() / 1e9,
                "Time waiting for room in an output channel");
        counter("weir.task.idle.time", "seconds", tags, vertex, s -> s.idleNanos() / 1e9, "Time waiting for input");
        gauge("weir.task.watermark.lag", "seconds", tags, vertex, WorkerPrometheusMetrics::watermarkLagSeconds,
                "How far the subtask's watermark is behind the worker's clock (0 after the end of input)");
        if (source) {
            gauge("weir.source.pending.records", null, tags, vertex,
                    s -> s.pendingRecords() < 0 ? Double.NaN : s.pendingRecords(),
                    "A source's records not read yet from the external system (Kafka: consumer lag)");
        }
        checkpointGauge("weir.task.checkpoint.id", null, tags, vertex, TaskAcknowledgement::checkpointId,
                "The latest checkpoint or savepoint the subtask acknowledged");
        checkpointGauge("weir.task.checkpoint.size", "bytes", tags, vertex, TaskAcknowledgement::stateSize,
                "The subtask's state in the latest checkpoint it acknowledged (in-flight records included)");
        checkpointGauge("weir.task.checkpoint.start.delay", "seconds", tags, vertex,
                a -> a.metrics().startDelayMillis() / 1e3, "From the trigger until the subtask saw the barrier");
        checkpointGauge("weir.task.checkpoint.alignment", "seconds", tags, vertex,
                a -> a.metrics().alignmentNanos() / 1e9, "From the first to the last barrier of its inputs");
        checkpointGauge("weir.task.checkpoint.sync", "seconds", tags, vertex, a -> a.metrics().syncNanos() / 1e9,
                "Capturing its state on the task thread (processing stopped)");
        checkpointGauge("weir.task.checkpoint.async", "seconds", tags, vertex, a -> a.metrics().asyncNanos() / 1e9,
                "Writing its state to storage (processing goes on)");
    }

    private static double watermarkLagSeconds(TaskIoMetrics.Sample sample) {
        if (sample.watermark() == TaskIoMetrics.Sample.NO_WATERMARK) {
            return Double.NaN;
        }
        if (sample.watermark() == Long.MAX_VALUE) {
            return 0;
        }
        return Math.max(0, System.currentTimeMillis() - sample.watermark()) / 1e3;
    }

    private void counter(String name, String unit, Tags tags, ExecutionVertexId vertex,
                         ToDoubleFunction<TaskIoMetrics.Sample> value, String description) {
        FunctionCounter.builder(name, samples, all -> {
            TaskIoMetrics.Sample s = all.get(vertex);
            return s == null ? 0 : value.applyAsDouble(s);
        }).tags(tags).baseUnit(unit).description(description).register(registry);
    }

    private void gauge(String name, String unit, Tags tags, ExecutionVertexId vertex,
                       ToDoubleFunction<TaskIoMetrics.Sample> value, String description) {
        Gauge.builder(name, samples, all -> {
            TaskIoMetrics.Sample s = all.get(vertex);
            return s == null ? Double.NaN : value.applyAsDouble(s);
        }).tags(tags).baseUnit(unit).description(description).register(registry);
    }

    private void checkpointGauge(String name, String unit, Tags tags, ExecutionVertexId vertex,
                                 ToDoubleFunction<TaskAcknowledgement> value, String description) {
        Gauge.builder(name, acknowledged, all -> {
            TaskAcknowledgement a = all.get(vertex);
            return a == null ? Double.NaN : value.applyAsDouble(a);
        }).tags(tags).baseUnit(unit).description(description).register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
