package dev.weir.runtime.dataflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** A job's arguments, declared and read with their bounds: every mistake is a CONFIGURATION failure naming the argument. */
class JobArgsTest {

    private final JobArgs args = new JobArgs(Map.of("records", "-5", "keys", "1_000", "rate", "fast", "output", " "));

    @Test
    void integersAreReadWithinTheirBounds() {
        assertThat(args.getLong("keys", 7, 1, Long.MAX_VALUE)).isEqualTo(1_000);
        assertThat(args.getLong("missing", 7, 1, 10)).as("the default is not checked").isEqualTo(7);
        assertThat(args.getLong("records", 0)).isEqualTo(-5);
        assertConfiguration(() -> args.getLong("records", 0, 0, Long.MAX_VALUE), "job argument 'records': must be >= 0 (got -5)");
        assertConfiguration(() -> args.getLong("keys", 0, 1, 100), "job argument 'keys': must be between 1 and 100 (got 1000)");
        assertConfiguration(() -> args.getLong("keys", 0, Long.MIN_VALUE, 10), "job argument 'keys': must be <= 10 (got 1000)");
        assertConfiguration(() -> args.getLong("rate", 0), "job argument 'rate': must be an integer (got \"fast\")");
    }

    @Test
    void anArgumentTheJobDoesNotTakeFailsNamingThoseItTakes() {
        assertThat(args.declare("records", "keys", "rate", "output", "input")).isSameAs(args);
        assertConfiguration(() -> args.declare("records", "keys", "output"),
                "job argument 'rate': not one this job takes (it takes keys, output, records)");
    }

    @Test
    void requiredArgumentsMustNotBeBlank() {
        assertConfiguration(() -> args.require("output"), "job argument 'output': required");
        assertConfiguration(() -> args.require("input"), "job argument 'input': required");
        assertThat(JobArgs.invalid("output", "must be a directory").getMessage())
                .isEqualTo("job argument 'output': must be a directory");
    }

    private static void assertConfiguration(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(UnrecoverableJobException.class,
                e -> assertThat(e.kind()).isEqualTo(UnrecoverableJobException.Kind.CONFIGURATION)).hasMessage(message);
    }
}
