package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.weir.api.Condition;
import dev.weir.api.StreamJob;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** An unexpected reconcile error: Ready=False with the message, retried later, and counted in weir_reconcile_errors. */
class ReconcileErrorTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void removeRegistry() {
        Metrics.removeRegistry(registry);
    }

    @Test
    void anUnexpectedErrorIsReportedInStatusAndCounted() {
        Metrics.addRegistry(registry);
        StreamJobReconciler reconciler = new StreamJobReconciler(null, new FakeJobRuntime(), OperatorTestEnv.SETTINGS, null);
        StreamJob job = new StreamJob();
        job.setMetadata(new ObjectMetaBuilder().withNamespace("jobs").withName("counts").build());

        var control = reconciler.updateErrorStatus(job, null, new IllegalStateException("API server unreachable"));
        reconciler.updateErrorStatus(job, null, new IllegalStateException("API server unreachable"));

        assertThat(control.getScheduleDelay()).isPresent();
        Condition ready = job.getStatus().getConditions().stream()
                .filter(c -> Condition.READY.equals(c.getType())).findFirst().orElseThrow();
        assertThat(ready.getStatus()).isEqualTo(Condition.FALSE);
        assertThat(ready.getReason()).isEqualTo("ReconcileError");
        assertThat(ready.getMessage()).isEqualTo("API server unreachable");
        assertThat(job.getStatus().getConditions()).filteredOn(c -> Condition.READY.equals(c.getType())).hasSize(1);
        assertThat(registry.get("weir_reconcile_errors").tag("namespace", "jobs").tag("job", "counts").counter().count())
                .isEqualTo(2.0);
    }
}
