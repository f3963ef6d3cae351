package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.weir.api.Condition;
import dev.weir.api.StreamJob;
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
        try (OperatorTestEnv env = new OperatorTestEnv()) {
            StreamJobReconciler reconciler = new StreamJobReconciler(env.client, env.runtime, OperatorTestEnv.SETTINGS, null);
            StreamJob job = env.create(OperatorTestEnv.job("counts", 2));

            var control = reconciler.updateErrorStatus(job, null, new IllegalStateException("API server unreachable"));
            reconciler.updateErrorStatus(job, null, new IllegalStateException("API server unreachable"));

            assertThat(control.getScheduleDelay()).isPresent();
            assertThat(control.getResource()).as("status is written by the reconciler, not patched from a cached copy")
                    .isEmpty();
            StreamJob stored = env.get("counts");
            Condition ready = stored.getStatus().getConditions().stream()
                    .filter(c -> Condition.READY.equals(c.getType())).findFirst().orElseThrow();
            assertThat(ready.getStatus()).isEqualTo(Condition.FALSE);
            assertThat(ready.getReason()).isEqualTo("ReconcileError");
            assertThat(ready.getMessage()).isEqualTo("API server unreachable");
            assertThat(stored.getStatus().getConditions()).filteredOn(c -> Condition.READY.equals(c.getType())).hasSize(1);
            assertThat(registry.get("weir_reconcile_errors").tag("namespace", "jobs").tag("job", "counts").counter().count())
                    .isEqualTo(2.0);
        }
    }

    @Test
    void anErrorForAJobThatIsGoneIsOnlyCounted() {
        Metrics.addRegistry(registry);
        try (OperatorTestEnv env = new OperatorTestEnv()) {
            StreamJobReconciler reconciler = new StreamJobReconciler(env.client, env.runtime, OperatorTestEnv.SETTINGS, null);
            StreamJob job = OperatorTestEnv.job("gone", 2);

            var control = reconciler.updateErrorStatus(job, null, new IllegalStateException("boom"));

            assertThat(control.getScheduleDelay()).isPresent();
            assertThat(env.get("gone")).isNull();
            assertThat(registry.get("weir_reconcile_errors").tag("job", "gone").counter().count()).isEqualTo(1.0);
        }
    }
}
